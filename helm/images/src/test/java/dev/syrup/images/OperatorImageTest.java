package dev.syrup.images;

import dev.syrup.crds.SyrupLabels;
import dev.syrup.crds.v1alpha1.HookType;
import dev.syrup.crds.v1alpha1.PolicyConditions;
import dev.syrup.crds.v1alpha1.PolicyHook;
import dev.syrup.crds.v1alpha1.SchedulingPolicy;
import dev.syrup.crds.v1alpha1.SchedulingPolicyNode;
import dev.syrup.crds.v1alpha1.SchedulingPolicySpec;
import dev.syrup.crds.v1alpha1.SchedulingPolicyStatus;
import dev.syrup.helm.testing.Chart;
import dev.syrup.images.testing.Images;
import dev.syrup.images.testing.WithImages;
import dev.syrup.k8s.testing.Crds;
import dev.syrup.k8s.testing.KubeCluster;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operator image as the chart runs it (user 185, no capabilities, read-only root filesystem, /tmp writable),
 * authenticated as the chart's operator service account against a real API server with the chart's CRDs and RBAC:
 * it reports ready on /q/health/ready and reconciles policies, compile-checking them with the image's clang.
 * The container shares the host's network, where the test API server listens on 127.0.0.1.
 */
@ExtendWith(WithImages.class)
class OperatorImageTest {
    private static final String NAMESPACE = "syrup-system";
    private static final String SERVICE_ACCOUNT = "syrup-operator";
    private static final String ROUND_ROBIN = """
            #include "syrup.h"

            static uint32_t next;

            uint32_t schedule(void *pkt_start, void *pkt_end)
            {
            	return syrup_fetch_add(&next, 1) % syrup_executors();
            }
            """;
    private static KubeCluster cluster;
    private static KubernetesClient admin;
    private static GenericContainer<?> operator;
    private static int port;
    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    static Path config;

    @BeforeAll
    static void start() throws IOException {
        cluster = KubeCluster.shared();
        admin = cluster.admin();
        Crds.install(admin);
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build()).serverSideApply();
        for (HasMetadata o : Chart.rbac("syrup", NAMESPACE, Map.of())) {
            admin.resource(o).serverSideApply();
        }
        // A copy the container's user (185) can read.
        Path kubeconfig = Files.copy(cluster.kubeconfigAs(NAMESPACE, SERVICE_ACCOUNT), config.resolve("kubeconfig"));
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(kubeconfig, PosixFilePermissions.fromString("rw-r--r--"));

        port = freePort();
        operator = WithImages.container(Images.reference(Images.OPERATOR))
                .withNetworkMode("host")
                .withFileSystemBind(kubeconfig.toString(), "/etc/syrup/kubeconfig", BindMode.READ_ONLY)
                .withEnv(Map.of("KUBECONFIG", "/etc/syrup/kubeconfig",
                        "QUARKUS_HTTP_PORT", Integer.toString(port),
                        "POD_NAMESPACE", NAMESPACE,
                        "POD_NAME", "syrup-operator-image-test"))
                .withTmpFs(Map.of("/tmp", "rw"))
                .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withReadonlyRootfs(true)
                        .withCapDrop(com.github.dockerjava.api.model.Capability.values())
                        .withSecurityOpts(List.of("no-new-privileges")));
        operator.start();
    }

    @AfterAll
    static void stop() {
        if (operator != null) {
            operator.stop();
        }
    }

    @Test
    void reportsReadyOnItsHealthEndpoint() {
        HttpResponse<String> ready = awaitReady(Duration.ofMinutes(3));
        assertThat(ready.body()).contains("\"status\": \"UP\"");
        assertThat(operator.getContainerInfo().getConfig().getUser()).isEqualTo("185:185");
    }

    @Test
    void reconcilesAPolicyAndCompileChecksItWithTheImagesClang() {
        awaitReady(Duration.ofMinutes(3));
        String ns = cluster.newNamespace("image");
        String node = ns + "-node";
        admin.nodes().resource(new NodeBuilder().withNewMetadata().withName(node).endMetadata().build()).create();
        admin.pods().inNamespace(ns).resource(new PodBuilder()
                .withMetadata(new ObjectMetaBuilder().withName("server").withNamespace(ns)
                        .withAnnotations(Map.of(SyrupLabels.POLICY_ANNOTATION, "rr")).build())
                .withNewSpec().withNodeName(node).addNewContainer().withName("app").withImage("example.invalid/app:1").endContainer()
                .endSpec().build()).create();
        create(policy(ns, "rr", ROUND_ROBIN));
        create(policy(ns, "broken", "#include \"syrup.h\"\n\nuint32_t schedule(void *a, void *b) { return undefined_counter; }\n"));

        SchedulingPolicy rr = await(ns, "rr", s -> s.getNodes() != null && s.getNodes() == 1);
        assertThat(condition(rr, PolicyConditions.COMPILED).getStatus()).as(operatorLog()).isEqualTo("True");
        assertThat(admin.resources(SchedulingPolicyNode.class).inNamespace(ns).list().getItems())
                .singleElement().satisfies(o -> assertThat(o.getSpec().getNodeName()).isEqualTo(node));

        SchedulingPolicy broken = await(ns, "broken", s -> s.condition(PolicyConditions.COMPILED) != null);
        Condition compiled = condition(broken, PolicyConditions.COMPILED);
        assertThat(compiled.getStatus()).as(operatorLog()).isEqualTo("False");
        assertThat(compiled.getMessage()).contains("broken.c:3:").contains("undefined_counter");
    }

    private static HttpResponse<String> awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        HttpResponse<String> last = null;
        while (System.nanoTime() < deadline) {
            assertThat(operator.isRunning()).as("operator container running; log:\n%s", operatorLog()).isTrue();
            try {
                last = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                if (last.statusCode() == 200) {
                    return last;
                }
            } catch (IOException notListening) {
                // not up yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(500);
        }
        throw new AssertionError("not ready within " + timeout + " (last answer: "
                + (last == null ? "none" : last.statusCode() + " " + last.body()) + "); log:\n" + operatorLog());
    }

    private static SchedulingPolicy policy(String ns, String name, String source) {
        SchedulingPolicy p = new SchedulingPolicy();
        p.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
        SchedulingPolicySpec spec = new SchedulingPolicySpec();
        spec.setSource(source);
        spec.setHooks(List.of(new PolicyHook(HookType.SOCKET_SELECT, 9000)));
        p.setSpec(spec);
        return p;
    }

    private static void create(SchedulingPolicy p) {
        admin.resources(SchedulingPolicy.class).inNamespace(p.getMetadata().getNamespace()).resource(p).create();
    }

    private static SchedulingPolicy await(String ns, String name, Predicate<SchedulingPolicyStatus> ok) {
        return admin.resources(SchedulingPolicy.class).inNamespace(ns).withName(name)
                .waitUntilCondition(p -> p != null && p.getStatus() != null && ok.test(p.getStatus()), 120, TimeUnit.SECONDS);
    }

    private static Condition condition(SchedulingPolicy p, String type) {
        Condition c = p.getStatus().condition(type);
        assertThat(c).as(type + " condition; log:\n" + operatorLog()).isNotNull();
        return c;
    }

    private static String operatorLog() {
        return operator.getLogs();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
