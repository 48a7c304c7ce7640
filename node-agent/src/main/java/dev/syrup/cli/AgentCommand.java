package dev.syrup.cli;

import dev.syrup.k8s.Agent;
import dev.syrup.k8s.AgentOptions;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** syrupd in Kubernetes mode: every daemon option, plus the node, the API server and the metrics port. */
@Command(name = "agent", description = "Run syrupd as the Kubernetes node agent: deploy SchedulingPolicyNode objects"
        + " of this node for its pods, and serve the socket (as root, with host PID).")
public final class AgentCommand extends DaemonCommand {
    @Option(names = "--node-name", paramLabel = "NAME", defaultValue = "${env:NODE_NAME}",
            description = "This node's name (default: $NODE_NAME)")
    String nodeName;

    @Option(names = "--kubeconfig", paramLabel = "PATH",
            description = "kubeconfig to reach the API server (default: $KUBECONFIG, else the pod's service account)")
    Path kubeconfig;

    @Option(names = "--cgroup-root", paramLabel = "PATH",
            description = "The host's cgroup v2 hierarchy (default: found in /proc/self/mountinfo)")
    Path cgroupRoot;

    @Option(names = "--metrics-port", paramLabel = "PORT", defaultValue = "9464",
            description = "Prometheus metrics at http://:PORT/metrics; 0 turns them off (default: ${DEFAULT-VALUE})")
    int metricsPort;

    @Option(names = "--resync-seconds", paramLabel = "N", defaultValue = "10",
            description = "Re-resolve every pod (restarts, new sockets) this often (default: ${DEFAULT-VALUE})")
    double resyncSeconds;

    AgentOptions agentOptions() {
        if (metricsPort < 0 || metricsPort > 65535) {
            throw usage("--metrics-port must be 0-65535");
        }
        if (!(resyncSeconds > 0)) {
            throw usage("--resync-seconds must be positive");
        }
        return new AgentOptions(options(), nodeName, kubeconfig, cgroupRoot, metricsPort,
                Duration.ofMillis((long) (resyncSeconds * 1000)));
    }

    @Override
    protected int run() throws Exception {
        Agent.main(agentOptions());
        return ExitCodes.OK;
    }
}
