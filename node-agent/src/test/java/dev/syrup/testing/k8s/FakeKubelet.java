package dev.syrup.testing.k8s;

import dev.syrup.k8s.CgroupLocator;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A kubelet without containers: it creates Node and Pod objects in a real API server and realizes
 * each pod on this machine ({@link RealizedPod}): a network namespace, a cgroup v2 directory laid out
 * as kubelet's systemd driver does, and real processes in both.
 */
public final class FakeKubelet {
    private final KubernetesClient admin;
    private final String nodeName;
    private final Path cgroupRoot;

    public FakeKubelet(KubernetesClient admin, String nodeName) {
        this.admin = admin;
        this.nodeName = nodeName;
        this.cgroupRoot = CgroupLocator.ofHost().root();
        if (admin.nodes().withName(nodeName).get() == null) {
            admin.nodes().resource(new NodeBuilder().withNewMetadata().withName(nodeName)
                    .addToLabels("kubernetes.io/hostname", nodeName).endMetadata().build()).create();
        }
    }

    public KubernetesClient admin() { return admin; }

    public String nodeName() { return nodeName; }

    /** The host's cgroup v2 hierarchy (/sys/fs/cgroup/unified on a hybrid host, /sys/fs/cgroup on a v2 one). */
    public Path cgroupRoot() { return cgroupRoot; }

    /** kubelet's besteffort QoS directory, where this kubelet's pods go. */
    Path qosDir() { return cgroupRoot.resolve("kubepods.slice").resolve("kubepods-besteffort.slice"); }

    /** A pod in namespace, bound to this node and running a {@code udp_workers} server with sockets on port. */
    public RealizedPod runPod(String namespace, String name, int port, int sockets) {
        ensureDefaultServiceAccount(namespace);
        return RealizedPod.start(this, namespace, name, port, sockets);
    }

    /** Without a controller manager nobody creates a namespace's default service account, which pods need. */
    private void ensureDefaultServiceAccount(String namespace) {
        if (admin.serviceAccounts().inNamespace(namespace).withName("default").get() == null) {
            admin.serviceAccounts().inNamespace(namespace).resource(new ServiceAccountBuilder()
                    .withNewMetadata().withName("default").endMetadata().build()).create();
        }
    }

    /** Removes kubelet's QoS directories once no pod is left in them. */
    void pruneCgroups() {
        for (Path dir : new Path[] {qosDir(), qosDir().getParent()}) {
            try {
                Files.deleteIfExists(dir);
            } catch (IOException e) {
                return; // another pod still lives there
            }
        }
    }
}
