package dev.syrup.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.syrup.api.ErrorInfo;
import dev.syrup.api.HookSpec;
import dev.syrup.api.Json;
import dev.syrup.api.PolicyText;
import dev.syrup.api.Request;
import dev.syrup.api.Response;
import dev.syrup.node.DeploymentRecord.Owner;
import dev.syrup.node.DeploymentService;
import dev.syrup.node.FakeDeployments;
import dev.syrup.policy.CompileException;
import dev.syrup.policy.Diagnostic;
import dev.syrup.policy.PolicyForbiddenException;
import dev.syrup.policy.PolicySource;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Routing, ownership, pod scoping and error mapping of syrupd's requests, against deployments kept in
 * memory (the privileged end-to-end tests run the same requests against the kernel).
 */
class RequestHandlerTest {
    private static final int SELF = (int) ProcessHandle.current().pid();
    private static final PeerIdentity ROOT = new PeerIdentity(SELF, 0, "/apps/a");
    private static final PeerIdentity OTHER_USER = new PeerIdentity(SELF, 1000, "/apps/b");
    private static final PeerIdentity ROOT_ELSEWHERE = new PeerIdentity(SELF, 0, "/apps/b");
    private static final PolicySource POLICY = PolicySource.of("p.c", "x".getBytes(StandardCharsets.UTF_8));

    private final FakeDeployments deployments = new FakeDeployments()
            .declareMap("counts", new DeploymentService.MapShape(4, 8, false, 8));
    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
    private final Log log = new Log(new PrintStream(logged, true));

    private RequestHandler handler(PodScope pods) {
        return new RequestHandler(deployments, Path.of("/sys/fs/bpf/syrup"), Path.of("/run/syrup/state"), List.of(),
                log, pods);
    }

    private final RequestHandler handler = handler(null);

    @Test
    void aDeployIsOwnedByItsCallerAndListed() {
        String id = deploy(handler, ROOT);
        Response list = handle(handler, Request.list(), ROOT);
        assertThat(list.result().path("deployments")).hasSize(1);
        assertThat(list.result().path("deployments").get(0).path("id").asText()).isEqualTo(id);
        assertThat(list.result().path("deployments").get(0).path("owner").path("cgroup").asText()).isEqualTo("/apps/a");
        assertThat(deployments.calls()).containsExactly("deploy " + id);
    }

    @Test
    void anotherCallerCanNeitherReplaceNorRemoveNorUseTheMaps() {
        String id = deploy(handler, ROOT);
        for (PeerIdentity other : List.of(OTHER_USER, ROOT_ELSEWHERE)) {
            assertError(handle(handler, Request.remove(id, false), other), ErrorInfo.FORBIDDEN, "belongs to uid 0");
            assertError(handle(handler, Request.replace(id, new PolicyText("p.c", "x"), false), other),
                    ErrorInfo.FORBIDDEN, "belongs to uid 0");
            assertError(handle(handler, Request.map("map.set", id, "counts", "00000000", "0100000000000000", false),
                    other), ErrorInfo.FORBIDDEN, "belongs to uid 0");
        }
        assertThat(deployments.calls()).containsExactly("deploy " + id);
        assertThat(handle(handler, Request.remove(id, true), ROOT_ELSEWHERE).ok()).isTrue(); // root, with force
        assertThat(deployments.list()).isEmpty();
    }

    @Test
    void anUnknownDeploymentIsNotFoundOnEveryPath() {
        for (Request r : List.of(Request.remove("feedf00d", false), Request.replace("feedf00d", new PolicyText("p.c", "x"), false),
                Request.map("map.get", "feedf00d", "counts", "00", null, false),
                Request.threads("thread.register", "feedf00d", List.of(SELF)))) {
            assertError(handle(handler, r, ROOT), ErrorInfo.NOT_FOUND, "no deployment with id feedf00d");
        }
    }

    @Test
    void mapValuesTravelAsHexAndBadHexIsInvalid() {
        String id = deploy(handler, ROOT);
        assertThat(handle(handler, Request.map("map.set", id, "counts", "01000000", "2a00000000000000", false), ROOT).ok())
                .isTrue();
        Response got = handle(handler, Request.map("map.get", id, "counts", "01000000", null, false), ROOT);
        assertThat(got.result().path("value").asText()).isEqualTo("2a00000000000000");
        assertError(handle(handler, Request.map("map.get", id, "counts", "xyz", null, false), ROOT),
                ErrorInfo.INVALID_REQUEST, "\"key\" is not hex");
        assertError(handle(handler, Request.map("map.get", id, "nosuch", "01000000", null, false), ROOT),
                ErrorInfo.NOT_FOUND, "no map named 'nosuch'");
        assertThat(handle(handler, Request.map("map.dump", id, "counts", null, null, false), ROOT).result()
                .path("entries")).hasSize(1);
    }

    @Test
    void malformedAndUnknownRequestsAreInvalid() {
        assertError(handler.handle("{\"op\": \"list\"", ROOT), ErrorInfo.INVALID_REQUEST, "malformed request");
        assertError(handler.handle("{\"op\": \"list\", \"port\": \"9000\"}", ROOT), ErrorInfo.INVALID_REQUEST,
                "unknown field \"port\"");
        assertError(handler.handle("{\"op\": \"explode\"}", ROOT), ErrorInfo.INVALID_REQUEST, "unknown op 'explode'");
        assertError(handler.handle("{}", ROOT), ErrorInfo.INVALID_REQUEST, "a request needs \"op\"");
    }

    @Test
    void podCallersSeeOnlyTheirPodAndMayNotDeploy() {
        String a = deployments.deploy(POLICY, List.of(), new Owner(0, "/kubepods/a", "pod-a"), null, id -> {}).id();
        String b = deployments.deploy(POLICY, List.of(), new Owner(0, "/kubepods/b", "pod-b"), null, id -> {}).id();
        RequestHandler scoped = handler(peer -> peer.cgroup().startsWith("/kubepods/a") ? "pod-a" : null);
        PeerIdentity inPodA = new PeerIdentity(SELF, 0, "/kubepods/a/c1");
        Response list = handle(scoped, Request.list(), inPodA);
        assertThat(list.result().path("deployments")).extracting(d -> d.path("id").asText()).containsExactly(a);
        assertThat(handle(scoped, Request.map("map.pin", a, "counts", null, null, false), inPodA).ok()).isTrue();
        assertError(handle(scoped, Request.map("map.get", b, "counts", "00000000", null, false), inPodA),
                ErrorInfo.FORBIDDEN, "does not target your pod");
        assertError(handle(scoped, Request.remove(a, true), inPodA), ErrorInfo.FORBIDDEN, "not open to pods");
        assertError(handle(scoped, deployRequest(), inPodA), ErrorInfo.FORBIDDEN, "not open to pods");
        // The same root caller outside the pod sees both.
        assertThat(handle(scoped, Request.list(), ROOT).result().path("deployments")).hasSize(2);
    }

    @Test
    void policyErrorsCarryThePolicysFileAndLine() {
        deployments.failNextDeploy(new CompileException("p.c:3:5: error: use of undeclared identifier 'x'",
                List.of(new Diagnostic("p.c", 3, 5, Diagnostic.Severity.ERROR, "use of undeclared identifier 'x'", List.of())), ""));
        Response r = handle(handler, deployRequest(), ROOT);
        assertThat(r.error()).isEqualTo(new ErrorInfo(ErrorInfo.COMPILE, "p.c:3:5: error: use of undeclared identifier 'x'",
                "p.c", 3));
        deployments.failNextDeploy(new PolicyForbiddenException("p.c", 7, "helper bpf_probe_read_kernel"));
        r = handle(handler, deployRequest(), ROOT);
        assertThat(r.error()).isEqualTo(new ErrorInfo(ErrorInfo.FORBIDDEN, "p.c:7: forbidden: helper bpf_probe_read_kernel",
                "p.c", 7));
        assertThat(deployments.list()).isEmpty();
    }

    @Test
    void aFaultOfSyrupdIsInternalAndLoggedNotBlamedOnTheRequest() {
        deployments.failNextDeploy(new IllegalStateException("a bug"));
        Response r = handle(handler, deployRequest(), ROOT);
        assertThat(r.error().kind()).isEqualTo(ErrorInfo.INTERNAL);
        assertThat(logged.toString()).contains("request deploy of pid " + SELF + " failed").contains("a bug");
    }

    private static Request deployRequest() {
        return Request.deploy(new PolicyText("p.c", "uint32_t schedule(void *a, void *b) { return 0; }"),
                List.of(HookSpec.socketSelect(9000, "udp", null)));
    }

    private static String deploy(RequestHandler h, PeerIdentity peer) {
        Response r = handle(h, deployRequest(), peer);
        assertThat(r.ok()).as("%s", r.error()).isTrue();
        return r.result().path("id").asText();
    }

    private static Response handle(RequestHandler h, Request r, PeerIdentity peer) {
        try {
            return h.handle(Json.MAPPER.writeValueAsString(r), peer);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void assertError(Response r, String kind, String text) {
        assertThat(r.ok()).isFalse();
        assertThat(r.error().kind()).as(r.error().message()).isEqualTo(kind);
        assertThat(r.error().message()).contains(text);
    }
}
