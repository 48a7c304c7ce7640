package dev.syrup.testing.k8s;

import dev.syrup.helm.testing.Chart;
import dev.syrup.k8s.testing.KubeCluster;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.nio.file.Path;
import java.util.Map;

/** Installs the chart's agent RBAC (helm/syrup/templates/agent-rbac.yaml) and hands out the agent's kubeconfig. */
public final class AgentRbac {
    public static final String SERVICE_ACCOUNT = "syrup-agent";

    private AgentRbac() {}

    /** Applies the chart's RBAC of release into namespace and returns a kubeconfig of the agent's service account. */
    public static Path install(KubeCluster cluster, String release, String namespace) {
        for (HasMetadata o : Chart.rbac(release, namespace, Map.of())) {
            if (o.getMetadata().getName().contains("agent") || SERVICE_ACCOUNT.equals(o.getMetadata().getName())) {
                cluster.admin().resource(o).forceConflicts().serverSideApply();
            }
        }
        return cluster.kubeconfigAs(namespace, SERVICE_ACCOUNT);
    }
}
