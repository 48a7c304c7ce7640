package dev.syrup.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syrup.api.DeploymentView;
import dev.syrup.api.HookSpec;
import dev.syrup.api.PolicyText;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The requests SyrupClient writes and how it reads answers, against FakeSyrupd (protocol shape only). */
class SyrupClientTest {
    static final String DEPLOYMENT = """
            {"id":"3f9c2a1b","owner":{"uid":1000,"cgroup":"/user.slice/app"},
             "policy":{"name":"rr.c","sha256":"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"},
             "targets":[{"hook":"socket-select","protocol":"udp","port":9000,"netns":"/var/run/netns/app",
                         "interface":null,"cpus":[],"executors":4,"decisions":[25,25,25,25],
                         "pass":0,"drop":1,"fallback":2}]}""".replace("\n", "");

    private FakeSyrupd fake;
    private SyrupClient client;

    @BeforeEach
    void setUp() {
        fake = FakeSyrupd.start();
        client = SyrupClient.connect(fake.socket());
    }

    @AfterEach
    void tearDown() {
        client.close();
        fake.close();
    }

    @Test
    void deploySendsThePolicyAndHooksAndReadsTheDeployment(@TempDir Path tmp) throws IOException {
        Path policy = Files.writeString(tmp.resolve("rr.c"), "uint32_t schedule(void *a, void *b) { return 0; }\n");
        fake.ok("deploy", DEPLOYMENT);
        DeploymentView d = client.deploy(policy, List.of(HookSpec.socketSelect(9000, "udp", "app"),
                HookSpec.xdpCpu(9000, null, null, "eth0", List.of(0, 1))));

        JsonNode r = fake.lastRequest();
        assertThat(r.get("op").asText()).isEqualTo("deploy");
        assertThat(r.at("/policy/name").asText()).isEqualTo(policy.toString());
        assertThat(r.at("/policy/source").asText()).isEqualTo(Files.readString(policy));
        assertThat(r.get("hooks").get(0).toString())
                .isEqualTo("{\"hook\":\"socket-select\",\"port\":9000,\"protocol\":\"udp\",\"netns\":\"app\"}");
        assertThat(r.get("hooks").get(1).toString())
                .isEqualTo("{\"hook\":\"xdp-cpu\",\"port\":9000,\"interface\":\"eth0\",\"cpus\":[0,1]}");
        assertThat(r.has("force")).isFalse();

        assertThat(d.id()).isEqualTo("3f9c2a1b");
        assertThat(d.owner()).isEqualTo(new DeploymentView.Owner(1000, "/user.slice/app"));
        assertThat(d.targets().get(0).decisions()).containsExactly(25, 25, 25, 25);
        assertThat(d.targets().get(0).fallback()).isEqualTo(2);
    }

    @Test
    void refusalsCarryKindFileAndLine() {
        fake.raw("deploy", "{\"ok\":false,\"error\":{\"kind\":\"verifier\",\"message\":\"rr.c:7: verifier rejected\","
                + "\"file\":\"rr.c\",\"line\":7}}");
        assertThatThrownBy(() -> client.deploy(new PolicyText("rr.c", "x"), List.of(HookSpec.socketSelect(1, null, null))))
                .isInstanceOfSatisfying(SyrupException.class, e -> {
                    assertThat(e.kind()).isEqualTo("verifier");
                    assertThat(e.getMessage()).isEqualTo("rr.c:7: verifier rejected");
                    assertThat(e.file()).isEqualTo("rr.c");
                    assertThat(e.line()).isEqualTo(7);
                    assertThat(e.isUnreachable()).isFalse();
                });
    }

    @Test
    void forceIsSentOnlyWhenAsked() {
        fake.ok("remove", "{}");
        client.remove("abc");
        assertThat(fake.lastRequest().toString()).isEqualTo("{\"op\":\"remove\",\"id\":\"abc\"}");
        client.remove("abc", true);
        assertThat(fake.lastRequest().toString()).isEqualTo("{\"op\":\"remove\",\"id\":\"abc\",\"force\":true}");
    }

    @Test
    void requestsShareOneConnection() {
        fake.ok("list", "{\"deployments\":[" + DEPLOYMENT + "," + DEPLOYMENT.replace("3f9c2a1b", "00000001") + "]}");
        fake.ok("status", "{\"version\":\"0.1.0\",\"deployments\":2}");
        assertThat(client.list()).extracting(DeploymentView::id).containsExactly("3f9c2a1b", "00000001");
        assertThat(client.status().get("deployments").asInt()).isEqualTo(2);
        assertThat(fake.requests()).extracting(r -> r.toString())
                .containsExactly("{\"op\":\"list\"}", "{\"op\":\"status\"}");
        assertThat(fake.connections()).isEqualTo(1);
    }

    @Test
    void mapKeysAndValuesTravelAsHexInNativeOrder() {
        fake.ok("map.get", "{\"value\":\"2a00000000000000\"}");
        assertThat(client.mapGetU64("abc", "counts", 3)).isEqualTo(42);
        assertThat(fake.lastRequest().toString())
                .isEqualTo("{\"op\":\"map.get\",\"id\":\"abc\",\"map\":\"counts\",\"key\":\"03000000\"}");

        fake.ok("map.set", "{}");
        client.mapSetU32("abc", "limits", 1, 0x01020304);
        assertThat(fake.lastRequest().get("key").asText()).isEqualTo("01000000");
        assertThat(fake.lastRequest().get("value").asText()).isEqualTo("04030201");
        client.mapSetU64("abc", "limits", 2, -1L);
        assertThat(fake.lastRequest().get("value").asText()).isEqualTo("ffffffffffffffff");

        fake.ok("map.delete", "{\"deleted\":true}");
        assertThat(client.mapDelete("abc", "limits", new byte[] {1, 0, 0, 0}, true)).isTrue();
        assertThat(fake.lastRequest().get("force").asBoolean()).isTrue();
    }

    @Test
    void anAbsentKeyIsEmpty() {
        fake.ok("map.get", "{}");
        assertThat(client.mapGet("abc", "m", new byte[4])).isEmpty();
        assertThatThrownBy(() -> client.mapGetU64("abc", "m", 7))
                .isInstanceOfSatisfying(SyrupException.class, e -> assertThat(e.kind()).isEqualTo("not-found"))
                .hasMessage("map m of deployment abc has no key 7");
    }

    @Test
    void mapDumpDecodesEntries() {
        fake.ok("map.dump", "{\"keySize\":4,\"valueSize\":4,\"perCpu\":true,"
                + "\"entries\":[{\"key\":\"00000000\",\"value\":\"0100000000000000\"}]}");
        MapDump dump = client.mapDump("abc", "counts");
        assertThat(dump.keySize()).isEqualTo(4);
        assertThat(dump.perCpu()).isTrue();
        assertThat(dump.slotSize()).isEqualTo(8);
        assertThat(dump.entries()).containsExactly(new MapDump.Entry(new byte[4], new byte[] {1, 0, 0, 0, 0, 0, 0, 0}));
        assertThat(fake.lastRequest().toString()).isEqualTo("{\"op\":\"map.dump\",\"id\":\"abc\",\"map\":\"counts\"}");
    }

    @Test
    void aMissingSocketSaysHowToStartTheDaemon(@TempDir Path tmp) {
        Path socket = tmp.resolve("syrupd.sock");
        assertThatThrownBy(() -> SyrupClient.connect(socket))
                .isInstanceOfSatisfying(SyrupException.class, e -> assertThat(e.isUnreachable()).isTrue())
                .hasMessage("syrupd is not running: no socket at " + socket + " (start it with: syrup daemon)");
    }

    @Test
    void aStaleSocketIsNotRunningEither(@TempDir Path tmp) throws IOException {
        Path socket = tmp.resolve("stale.sock");
        try (ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            s.bind(UnixDomainSocketAddress.of(socket));
        }
        assertThatThrownBy(() -> SyrupClient.connect(socket))
                .isInstanceOfSatisfying(SyrupException.class, e -> assertThat(e.isUnreachable()).isTrue())
                .hasMessageContaining("syrupd is not running: nothing is listening on " + socket);
    }

    @Test
    void aHangUpIsUnreachableAndGarbageIsAProtocolError() {
        fake.raw("status", "not json");
        assertThatThrownBy(() -> client.status())
                .isInstanceOfSatisfying(SyrupException.class, e -> assertThat(e.kind()).isEqualTo(SyrupException.PROTOCOL));
        fake.raw("list", "{\"ok\":true,\"result\":{\"deployments\":[{\"id\":\"x\",\"unexpected\":1}]}}");
        assertThatThrownBy(() -> client.list())
                .isInstanceOfSatisfying(SyrupException.class, e -> assertThat(e.kind()).isEqualTo(SyrupException.PROTOCOL));
        fake.raw("remove", FakeSyrupd.HANG_UP);
        assertThatThrownBy(() -> client.remove("x"))
                .isInstanceOfSatisfying(SyrupException.class, e -> assertThat(e.isUnreachable()).isTrue())
                .hasMessageContaining("closed the connection");
    }

    @Test
    void anOverlongAnswerIsRefused() {
        fake.ok("status", "{\"pad\":\"" + "x".repeat(dev.syrup.api.Json.MAX_LINE) + "\"}");
        assertThatThrownBy(() -> client.status())
                .isInstanceOfSatisfying(SyrupException.class, e -> assertThat(e.kind()).isEqualTo(SyrupException.PROTOCOL))
                .hasMessageContaining("exceeds");
    }

    @Test
    void aPolicyFileThatCannotBeReadIsNamed(@TempDir Path tmp) {
        Path missing = tmp.resolve("nope.c");
        assertThatThrownBy(() -> client.deploy(missing, List.of(HookSpec.socketSelect(1, null, null))))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("cannot read " + missing + ": no such file");
        assertThat(fake.requests()).isEmpty();
    }
}
