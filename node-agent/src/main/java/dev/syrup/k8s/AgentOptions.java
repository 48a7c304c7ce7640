package dev.syrup.k8s;

import dev.syrup.daemon.DaemonOptions;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The agent: syrupd's options, plus the node it runs for, how it reaches the API server (a
 * kubeconfig file, else $KUBECONFIG, else the pod's service account), where the host's cgroup v2
 * hierarchy is (null: found in /proc/self/mountinfo), the metrics port (0: none) and the resync period.
 */
public record AgentOptions(DaemonOptions daemon, String nodeName, Path kubeconfig, Path cgroupRoot, int metricsPort,
                           Duration resync) {
    public static final int DEFAULT_METRICS_PORT = 9464;
}
