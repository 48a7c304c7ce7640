package dev.syrup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syrup.api.Json;
import dev.syrup.client.FakeSyrupd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon-backed subcommands' requests and output, against FakeSyrupd (protocol shape only;
 * the tests with the real daemon come with it). Byte expectations assume little-endian.
 */
class DaemonCommandsTest {
    private static final String DEPLOYMENT = """
            {"id":"3f9c2a1b","owner":{"uid":0,"cgroup":"/"},"policy":{"name":"rr.c","sha256":"%s"},
             "targets":[{"hook":"socket-select","protocol":"udp","port":9000,"netns":"/var/run/netns/app",
                         "interface":null,"cpus":[],"executors":2,"decisions":[5,6],"pass":0,"drop":0,"fallback":0}]}"""
            .formatted("ab".repeat(32)).replace("\n", "");

    @TempDir
    Path tmp;
    private FakeSyrupd fake;
    private Path policy;

    @BeforeEach
    void setUp() throws Exception {
        fake = FakeSyrupd.start();
        policy = Files.writeString(tmp.resolve("rr.c"), "#include \"syrup.h\"\n");
    }

    @AfterEach
    void tearDown() { fake.close(); }

    private CliRun syrup(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--socket=" + fake.socket());
        return CliRun.of(all.toArray(String[]::new));
    }

    @Test
    void deployPrintsJustTheId() {
        fake.ok("deploy", DEPLOYMENT);
        CliRun r = syrup("deploy", policy.toString(), "--hook", "socket-select", "--port", "9000", "--netns", "app");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).isEqualTo("3f9c2a1b\n");
        JsonNode req = fake.lastRequest();
        assertThat(req.get("hooks").toString()).isEqualTo("[{\"hook\":\"socket-select\",\"port\":9000,\"netns\":\"app\"}]");
        assertThat(req.at("/policy/name").asText()).isEqualTo(policy.toString());
    }

    @Test
    void deployJsonIsTheDeployment() throws Exception {
        fake.ok("deploy", DEPLOYMENT);
        CliRun r = syrup("deploy", policy.toString(), "--hook", "socket-select", "--port", "9000", "--json");
        assertThat(Json.MAPPER.readTree(r.out())).isEqualTo(Json.MAPPER.readTree(DEPLOYMENT.replace("\"interface\":null,", "")));
    }

    @Test
    void aRefusalExitsWith1AndNamesTheLine() {
        fake.raw("deploy", "{\"ok\":false,\"error\":{\"kind\":\"verifier\",\"message\":\"rr.c:7: verifier rejected program"
                + " syrup_socket_select: invalid access to packet\",\"file\":\"rr.c\",\"line\":7}}");
        CliRun r = syrup("deploy", policy.toString(), "--hook", "socket-select", "--port", "9000");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("syrup: rr.c:7: verifier rejected program syrup_socket_select: invalid access to packet\n");
    }

    @Test
    void noDaemonExitsWith3() {
        Path socket = tmp.resolve("none.sock");
        CliRun r = CliRun.of("list", "--socket", socket.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(r.err()).isEqualTo("syrup: syrupd is not running: no socket at " + socket
                + " (start it with: syrup daemon)\n");
    }

    @Test
    void listShowsATableOrJson() throws Exception {
        fake.ok("list", "{\"deployments\":[" + DEPLOYMENT + "]}");
        CliRun table = syrup("list");
        assertThat(table.out()).startsWith("ID        OWNER  HOOKS          TARGETS       POLICY             STATE  DECISIONS\n")
                .contains("3f9c2a1b  0:/    socket-select  udp/9000@app  rr.c abababababab  -      5/6 pass=0 drop=0 fb=0");
        CliRun json = syrup("list", "--json");
        assertThat(Json.MAPPER.readTree(json.out()).get(0).get("id").asText()).isEqualTo("3f9c2a1b");
        fake.ok("list", "{\"deployments\":[]}");
        assertThat(syrup("list").out()).isEqualTo("no deployments\n");
    }

    @Test
    void replaceAndRemove() {
        fake.ok("replace", DEPLOYMENT);
        CliRun r = syrup("replace", "3f9c2a1b", policy.toString(), "--force");
        assertThat(r.out()).isEqualTo("3f9c2a1b: now runs rr.c abababababab\n");
        assertThat(fake.lastRequest().get("force").asBoolean()).isTrue();
        fake.ok("remove", "{}");
        assertThat(syrup("remove", "3f9c2a1b").out()).isEqualTo("removed 3f9c2a1b\n");
        assertThat(fake.lastRequest().toString()).isEqualTo("{\"op\":\"remove\",\"id\":\"3f9c2a1b\"}");
        fake.error("remove", "not-found", "no deployment with id nope");
        CliRun missing = syrup("remove", "nope");
        assertThat(missing.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(missing.err()).isEqualTo("syrup: no deployment with id nope\n");
    }

    @Test
    void mapGetSizesTheKeyFromADump() {
        fake.ok("map.dump", "{\"keySize\":4,\"valueSize\":8,\"perCpu\":false,\"entries\":[]}");
        fake.ok("map.get", "{\"value\":\"2a00000000000000\"}");
        CliRun r = syrup("map", "get", "3f9c2a1b", "counts", "3");
        assertThat(r.out()).isEqualTo("42\n");
        assertThat(fake.lastRequest().toString())
                .isEqualTo("{\"op\":\"map.get\",\"id\":\"3f9c2a1b\",\"map\":\"counts\",\"key\":\"03000000\"}");
        fake.ok("map.get", "{}");
        CliRun absent = syrup("map", "get", "3f9c2a1b", "counts", "0x10");
        assertThat(absent.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(absent.err()).isEqualTo("syrup: map counts of deployment 3f9c2a1b has no key 0x10\n");
        CliRun tooBig = syrup("map", "get", "3f9c2a1b", "counts", "hex:00");
        assertThat(tooBig.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(tooBig.err()).contains("the map's key is 4");
    }

    @Test
    void perCpuValuesAreShownPerCpuWithTheirSum() {
        String value = "0100000000000000" + "0200000000000000";
        fake.ok("map.dump", "{\"keySize\":4,\"valueSize\":4,\"perCpu\":true,\"entries\":[{\"key\":\"00000000\",\"value\":\""
                + value + "\"}]}");
        fake.ok("map.get", "{\"value\":\"" + value + "\"}");
        assertThat(syrup("map", "get", "x", "hits", "0").out()).isEqualTo("cpu0 1\ncpu1 2\nsum 3\n");
        assertThat(syrup("map", "dump", "x", "hits").out()).isEqualTo("KEY  SUM  PER CPU\n0    3    1 2\n");
        fake.ok("map.set", "{}");
        assertThat(syrup("map", "set", "x", "hits", "0", "0").exitCode()).isZero();
        assertThat(fake.lastRequest().get("value").asText()).isEqualTo("0".repeat(32));
    }

    @Test
    void mapSetDeleteAndDump() throws Exception {
        fake.ok("map.dump", "{\"keySize\":4,\"valueSize\":4,\"perCpu\":false,\"entries\":[{\"key\":\"01000000\","
                + "\"value\":\"07000000\"},{\"key\":\"02000000\",\"value\":\"ffffffff\"}]}");
        fake.ok("map.set", "{}");
        assertThat(syrup("map", "set", "x", "limits", "1", "0x10", "--force").exitCode()).isZero();
        assertThat(fake.lastRequest().toString()).isEqualTo("{\"op\":\"map.set\",\"id\":\"x\",\"map\":\"limits\","
                + "\"key\":\"01000000\",\"value\":\"10000000\",\"force\":true}");
        fake.ok("map.delete", "{\"deleted\":false}");
        CliRun notThere = syrup("map", "delete", "x", "limits", "9");
        assertThat(notThere.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(notThere.err()).contains("has no key 9");
        assertThat(syrup("map", "dump", "x", "limits").out()).isEqualTo("KEY  VALUE\n1    7\n2    4294967295\n");
        JsonNode json = Json.MAPPER.readTree(syrup("map", "dump", "x", "limits", "--json").out());
        assertThat(json.get("entries").get(1).get("value").asText()).isEqualTo("ffffffff");
        assertThat(json.get("keySize").asInt()).isEqualTo(4);
    }

    @Test
    void status() {
        fake.ok("status", "{\"version\":\"0.1.0\",\"pinRoot\":\"/sys/fs/bpf/syrup\",\"stateDir\":\"/run/syrup/state\","
                + "\"deployments\":2,\"uptimeSeconds\":3725,\"adopted\":1,\"repaired\":[\"unpinned stale abc\"],"
                + "\"targets\":{\"attached\":1,\"waiting\":1,\"failed\":0}}");
        CliRun r = syrup("status");
        assertThat(r.out()).contains("syrupd:         0.1.0, up 1h 2m\n", "deployments:    2 (1 adopted at start)\n",
                "socket-select:  1 attached, 1 waiting, 0 failed\n",
                "repaired:       unpinned stale abc\n", "socket:         " + fake.socket() + "\n");
    }
}
