package dev.syrup.operator.testing;

import dev.syrup.helm.testing.Chart;
import dev.syrup.k8s.testing.Crds;
import dev.syrup.k8s.testing.KubeCluster;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * One real API server per test JVM with the chart's CRDs and the chart's operator RBAC applied, and the packaged
 * operator running as the chart's service account (so it has exactly the rights operator-rbac.yaml gives).
 */
public final class OperatorFixture {
    public static final String NAMESPACE = "syrup-system";
    public static final String RELEASE = "syrup";
    public static final String SERVICE_ACCOUNT = "syrup-operator";
    private static OperatorFixture shared;

    private final KubeCluster cluster;
    private final Path kubeconfig;
    private volatile OperatorProcess operator;
    private int started;

    public static synchronized OperatorFixture shared() {
        if (shared == null) {
            shared = new OperatorFixture();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> shared.operator.close(), "operator-stop"));
        }
        return shared;
    }

    private OperatorFixture() {
        cluster = KubeCluster.shared();
        KubernetesClient admin = cluster.admin();
        Crds.install(admin);
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build()).serverSideApply();
        for (HasMetadata o : Chart.rbac(RELEASE, NAMESPACE, Map.of())) {
            admin.resource(o).serverSideApply();
        }
        kubeconfig = cluster.kubeconfigAs(NAMESPACE, SERVICE_ACCOUNT);
        operator = startReplica();
    }

    public KubeCluster cluster() { return cluster; }

    public KubernetesClient admin() { return cluster.admin(); }

    /** A client configured as the operator is: the service account's kubeconfig. */
    public KubernetesClient operatorClient() {
        try {
            return new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(Files.readString(kubeconfig))).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The operator replica the tests currently rely on (the leader). */
    public OperatorProcess operator() { return operator; }

    /** After a test has stopped the leader, the replica that took over becomes the one the others rely on. */
    public synchronized void replaceOperator(OperatorProcess replica) { operator = replica; }

    /** Another replica of the operator, same identity and configuration, with its own HTTP port and log. */
    public synchronized OperatorProcess startReplica() {
        started++;
        return OperatorProcess.start("replica-" + started, kubeconfig, Map.of("POD_NAMESPACE", NAMESPACE,
                "POD_NAME", "syrup-operator-replica-" + started)).awaitLive(Duration.ofSeconds(120));
    }
}
