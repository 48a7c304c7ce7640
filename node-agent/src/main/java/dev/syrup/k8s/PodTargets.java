package dev.syrup.k8s;

import dev.syrup.crds.v1alpha1.HookType;
import dev.syrup.crds.v1alpha1.PolicyHook;
import dev.syrup.crds.v1alpha1.TransportProtocol;
import dev.syrup.bpf.Affinity;
import dev.syrup.bpf.BpfException;
import dev.syrup.hook.CgroupRef;
import dev.syrup.policy.Hook;
import dev.syrup.hook.HookTarget;
import dev.syrup.hook.Protocol;
import dev.syrup.hook.ReuseportSockets;
import dev.syrup.hook.SocketSelectTarget;
import dev.syrup.hook.TargetUnavailableException;
import dev.syrup.hook.ThreadTarget;
import dev.syrup.hook.XdpCpuTarget;
import dev.syrup.hook.thread.Cgroups;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The hook targets of one pod for a node object's hooks, and the pod's fingerprint: its network
 * namespace and, per socket-select hook, the sockets bound to the port. A pod whose fingerprint
 * changed was restarted (new processes, new namespace) and needs a new deployment.
 */
public record PodTargets(List<HookTarget> targets, String fingerprint) {
    /**
     * The targets of the hooks in pod: its network namespace for network hooks, its cgroup for thread hooks.
     *
     * @throws TargetUnavailableException while a socket-select port has fewer sockets than the hook's
     *                                    executors (the server is still starting): the pod is Pending
     */
    public static PodTargets of(List<PolicyHook> hooks, PodResolver.ResolvedPod pod) {
        List<HookTarget> targets = new ArrayList<>();
        StringBuilder fp = new StringBuilder("netns:").append(pod.netns().inode());
        for (PolicyHook h : hooks) {
            if (h.getType() == HookType.THREAD) {
                CgroupRef cgroup = Cgroups.of(pod.cgroupPath());
                fp.append(";cgroup=").append(cgroup.id());
                targets.add(new ThreadTarget(cgroup, h.getCpus() != null && !h.getCpus().isEmpty() ? h.getCpus() : allowedCpus(pod)));
                continue;
            }
            Protocol protocol = h.protocolOrDefault() == TransportProtocol.TCP ? Protocol.TCP : Protocol.UDP;
            int port = h.getPort();
            if (h.getType() == HookType.SOCKET_SELECT) {
                SocketSelectTarget t = new SocketSelectTarget(pod.netns(), protocol, port);
                List<ReuseportSockets.Owner> sockets = sockets(t);
                int wanted = h.getExecutors() == null ? 1 : h.getExecutors();
                if (sockets.size() < wanted) {
                    throw new TargetUnavailableException("waiting for " + wanted + " " + protocol + " sockets on port "
                            + port + " (" + sockets.size() + " bound)");
                }
                fp.append(';').append(protocol).append('/').append(port).append('=')
                        .append(sockets.stream().map(s -> Long.toString(s.inode())).collect(Collectors.joining(",")));
                targets.add(t);
            } else {
                targets.add(new XdpCpuTarget(pod.netns(), h.interfaceOrDefault(), protocol, port,
                        h.getCpus() == null ? List.of() : h.getCpus()));
            }
        }
        return new PodTargets(targets, fp.toString());
    }

    /** The agent's hook for a hook type of the custom resource. */
    static Hook hook(HookType type) {
        return switch (type) {
            case SOCKET_SELECT -> Hook.SOCKET_SELECT;
            case XDP_CPU -> Hook.XDP_CPU;
            case THREAD -> Hook.THREAD;
        };
    }

    /** The CPUs the pod's first process may run on: a thread hook without cpus uses them all. */
    private static List<Integer> allowedCpus(PodResolver.ResolvedPod pod) {
        try {
            return Affinity.get(pod.pids().get(0)).stream().boxed().toList();
        } catch (BpfException e) {
            throw new TargetUnavailableException("reading the CPUs pod process " + pod.pids().get(0) + " may use: " + e.getMessage(), e);
        }
    }

    /** The hooks as a string that changes when any hook's settings change. */
    public static String signature(List<PolicyHook> hooks) {
        return hooks.stream().map(h -> h.getType().cliName() + "|" + h.getPort() + "|" + h.protocolOrDefault() + "|"
                + (h.getType() == HookType.XDP_CPU ? h.interfaceOrDefault() : "") + "|" + h.getExecutors() + "|" + h.getCpus())
                .collect(Collectors.joining(";"));
    }

    private static List<ReuseportSockets.Owner> sockets(SocketSelectTarget t) {
        try {
            return ReuseportSockets.find(t.netns(), t.protocol(), t.port());
        } catch (IOException e) {
            throw new UncheckedIOException("finding the sockets of port " + t.port(), e);
        }
    }
}
