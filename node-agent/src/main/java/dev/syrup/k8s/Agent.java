package dev.syrup.k8s;

import dev.syrup.error.DomainException;
import dev.syrup.daemon.Syrupd;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.concurrent.CountDownLatch;

/**
 * syrupd in Kubernetes mode: the same daemon (Unix socket, pinned state, re-adoption after a restart)
 * plus the controller that deploys policies for this node's pods from SchedulingPolicyNode objects, and
 * its metrics. Callers on the socket that run inside a pod are confined to their own pod's deployments.
 */
public final class Agent implements AutoCloseable {
    private final Syrupd daemon;
    private final AgentController controller;
    private final AgentMetrics metrics;
    private final KubernetesClient client;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private Agent(Syrupd daemon, AgentController controller, AgentMetrics metrics, KubernetesClient client) {
        this.daemon = daemon;
        this.controller = controller;
        this.metrics = metrics;
        this.client = client;
    }

    public static Agent start(AgentOptions o) throws IOException {
        if (o.nodeName() == null || o.nodeName().isBlank()) {
            throw DomainException.invalid("the agent needs its node's name: --node-name or $NODE_NAME");
        }
        Syrupd.Node node = Syrupd.prepare(o.daemon());
        CgroupLocator cgroups = o.cgroupRoot() != null ? new CgroupLocator(o.cgroupRoot()) : CgroupLocator.ofHost();
        node.log().info("cgroup v2 hierarchy at " + cgroups.root());
        KubernetesClient client = new KubernetesClientBuilder().withConfig(config(o)).build();
        AgentMetrics metrics = new AgentMetrics();
        AgentController controller = new AgentController(client, o.nodeName(), node, new PodResolver(cgroups), metrics,
                o.resync());
        Syrupd daemon = Syrupd.serve(node, new PodIdentity());
        metrics.serve(o.metricsPort());
        controller.start();
        node.log().info("agent for node " + o.nodeName() + " watching " + client.getMasterUrl()
                + (o.metricsPort() == 0 ? "" : "; metrics on :" + o.metricsPort() + "/metrics"));
        return new Agent(daemon, controller, metrics, client);
    }

    private static Config config(AgentOptions o) {
        if (o.kubeconfig() == null) {
            return Config.autoConfigure(null); // $KUBECONFIG, ~/.kube/config, or the pod's service account
        }
        try {
            return Config.fromKubeconfig(Files.readString(o.kubeconfig()));
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + o.kubeconfig(), e);
        }
    }

    /** Runs until SIGTERM or SIGINT. Deployments stay in place when the agent stops. */
    public static void main(AgentOptions o) throws Exception {
        Agent a = start(o);
        Runtime.getRuntime().addShutdownHook(new Thread(a::close, "agent-stop"));
        a.daemon.await();
    }

    @Override
    public void close() {
        controller.close();
        metrics.close();
        daemon.close();
        client.close();
        stopped.countDown();
    }
}
