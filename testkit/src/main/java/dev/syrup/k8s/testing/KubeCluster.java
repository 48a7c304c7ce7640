package dev.syrup.k8s.testing;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubeapitest.KubeAPITestException;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real kube-apiserver + etcd (fabric8 kube-api-test in offline mode, with the binaries
 * src/test/k8s/build-binaries.sh builds), started once per test JVM and stopped when it exits.
 * Tests isolate themselves by namespace ({@link #newNamespace}).
 */
public final class KubeCluster {
    /** Kubernetes version of the binaries; build-binaries.sh's default. */
    public static final String VERSION = "1.34.4";
    private static final int START_ATTEMPTS = 3;
    private static final int START_TIMEOUT_MS = 60_000;
    private static KubeCluster shared;
    private static final AtomicInteger namespaces = new AtomicInteger();

    private final KubeAPIServer server;
    private final Config adminConfig;
    private final KubernetesClient admin;
    private final Path workDir;
    private ControllerManager controllerManager;

    /** The cluster of this JVM, started on first use. */
    public static synchronized KubeCluster shared() {
        if (shared == null) {
            shared = new KubeCluster();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::stop, "kube-cluster-stop"));
        }
        return shared;
    }

    /** Where the binaries live: $SYRUP_K8S_TEST_DIR, else ~/.cache/syrup (kube-api-test's layout under k8s/). */
    public static Path binaryRoot() {
        String dir = System.getenv("SYRUP_K8S_TEST_DIR");
        return dir != null ? Path.of(dir) : Path.of(System.getProperty("user.home"), ".cache", "syrup");
    }

    public static Path binary(String name) {
        Path p = binaryRoot().resolve("k8s").resolve(VERSION + "-linux-amd64").resolve(name);
        if (!Files.isExecutable(p)) {
            throw new IllegalStateException(p + " is missing: build it with src/test/k8s/build-binaries.sh (make test does)");
        }
        return p;
    }

    private KubeCluster() {
        binary("kube-apiserver");
        binary("etcd");
        try {
            workDir = Files.createTempDirectory("syrup-kube-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server = startWithRetries();
        adminConfig = Config.fromKubeconfig(server.getKubeConfigYaml());
        admin = new KubernetesClientBuilder().withConfig(adminConfig).build();
    }

    /**
     * kube-api-test picks the API server's port at random in 49152-65535 and checks it is free only before the server
     * starts; a port that an outgoing connection takes in between (Linux's ephemeral range overlaps) makes the server
     * exit and the start wait out its whole timeout. A normal start takes 3-6 s, so a start that has not become ready
     * after a minute is abandoned and retried on new ports.
     */
    private static KubeAPIServer startWithRetries() {
        KubeAPITestException last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            KubeAPIServer candidate = new KubeAPIServer(KubeAPIServerConfigBuilder.anAPIServerConfig()
                    .withTestDir(binaryRoot().toString())
                    .withApiServerVersion(VERSION)
                    .withOfflineMode(true)
                    .withUpdateKubeConfig(false)
                    .withStartupTimeout(START_TIMEOUT_MS)
                    .withApiServerFlags(List.of("--advertise-address=127.0.0.1", "--bind-address=127.0.0.1"))
                    .build());
            long t0 = System.nanoTime();
            try {
                candidate.start();
                System.err.printf("kube-apiserver %s ready after %d ms (attempt %d)%n", VERSION,
                        (System.nanoTime() - t0) / 1_000_000, attempt);
                return candidate;
            } catch (KubeAPITestException e) {
                last = e;
                System.err.printf("kube-apiserver %s not ready after %d ms (attempt %d of %d): %s%n", VERSION,
                        (System.nanoTime() - t0) / 1_000_000, attempt, START_ATTEMPTS, e.getMessage());
                stopQuietly(candidate);
            }
        }
        throw new IllegalStateException("kube-apiserver did not start in " + START_ATTEMPTS + " attempts", last);
    }

    private static void stopQuietly(KubeAPIServer server) {
        try {
            server.stop();
        } catch (RuntimeException e) {
            System.err.println("stopping a failed kube-apiserver: " + e);
        }
    }

    /** A client with cluster-admin rights (system:masters). */
    public KubernetesClient admin() { return admin; }

    public String masterUrl() { return adminConfig.getMasterUrl(); }

    /** The admin kubeconfig, for processes (kubectl, kube-controller-manager). */
    public Path adminKubeconfig() {
        Path file = workDir.resolve("admin.kubeconfig");
        write(file, server.getKubeConfigYaml());
        return file;
    }

    /** A fresh namespace named prefix-N. */
    public String newNamespace(String prefix) {
        String name = prefix + "-" + namespaces.incrementAndGet();
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
        return name;
    }

    /** A bearer token of the service account (TokenRequest API), valid one hour. */
    public String token(String namespace, String serviceAccount) {
        return admin.serviceAccounts().inNamespace(namespace).withName(serviceAccount)
                .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(3600L).endSpec().build())
                .getStatus().getToken();
    }

    /** A client authenticated as the service account: it has exactly the rights RBAC gives it. */
    public KubernetesClient clientAs(String namespace, String serviceAccount) {
        return new KubernetesClientBuilder().withConfig(tokenConfig(token(namespace, serviceAccount))).build();
    }

    /** A kubeconfig file authenticating as the service account, for a process under test. */
    public Path kubeconfigAs(String namespace, String serviceAccount) {
        String ca = Base64.getEncoder().encodeToString(caPem().getBytes());
        String yaml = """
                apiVersion: v1
                kind: Config
                clusters:
                - name: test
                  cluster:
                    server: %s
                    certificate-authority-data: %s
                users:
                - name: %s
                  user:
                    token: %s
                contexts:
                - name: test
                  context: {cluster: test, user: %s, namespace: %s}
                current-context: test
                """.formatted(masterUrl(), ca, serviceAccount, token(namespace, serviceAccount), serviceAccount, namespace);
        Path file = workDir.resolve(namespace + "-" + serviceAccount + ".kubeconfig");
        write(file, yaml);
        return file;
    }

    /**
     * Starts kube-controller-manager (garbage collection, namespace deletion, ClusterRole aggregation) once; tests
     * that need one of those call it.
     */
    public synchronized void withGarbageCollection() {
        if (controllerManager == null) {
            controllerManager = ControllerManager.start(binary("kube-controller-manager"), adminKubeconfig(),
                    workDir.resolve("kube-controller-manager.log"));
        }
    }

    private Config tokenConfig(String token) {
        return new ConfigBuilder(Config.empty()).withMasterUrl(masterUrl()).withCaCertData(adminConfig.getCaCertData())
                .withOauthToken(token).build();
    }

    private String caPem() {
        String data = adminConfig.getCaCertData();
        return data != null ? new String(Base64.getDecoder().decode(data)) : read(Path.of(adminConfig.getCaCertFile()));
    }

    private synchronized void stop() {
        if (controllerManager != null) {
            controllerManager.stop();
        }
        admin.close();
        server.stop();
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
