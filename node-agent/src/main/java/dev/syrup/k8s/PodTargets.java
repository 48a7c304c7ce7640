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
import dev.syrup.hook.XdpSocketTarget;
import dev.syrup.hook.thread.Cgroups;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The hook targets of one pod for a node object's hooks, and the pod's fingerprint: its network
 * namespace (and, for thread hooks, its cgroup; for xdp-socket hooks, the process holding the
 * AF_XDP sockets and those sockets). A pod whose fingerprint changed was re-created in place (a new
 * sandbox) and needs a new deployment; a container restarted inside the pod keeps the namespace and
 * cgroup, and its new sockets are taken by the deployment's follower as they are bound. An AF_XDP
 * application has no follower: new AF_XDP sockets change the fingerprint and get a new deployment.
 */
public record PodTargets(List<HookTarget> targets, String fingerprint) {
    /**
     * The targets of the hooks in pod: its network namespace for network hooks, its cgroup for thread hooks.
     *
     * @throws TargetUnavailableException while the pod's AF_XDP process has fewer sockets than an
     *                                    xdp-socket hook's executors (the application is still starting)
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
            Protocol protocol = protocolOf(h);
            int port = h.getPort();
            if (h.getType() == HookType.SOCKET_SELECT) {
                targets.add(new SocketSelectTarget(pod.netns(), protocol, port));
            } else if (h.getType() == HookType.XDP_SOCKET) {
                targets.add(xdpSocket(h, pod, protocol, fp));
            } else {
                targets.add(new XdpCpuTarget(pod.netns(), h.interfaceOrDefault(), protocol, port,
                        h.getCpus() == null ? List.of() : h.getCpus()));
            }
        }
        return new PodTargets(targets, fp.toString());
    }

    /**
     * requireSockets checks, before a first deployment, that each socket-select port has as many
     * sockets as the hook's executors: a server still starting leaves the pod Pending. (Once deployed,
     * the follower keeps the deployment on whatever sockets the pod binds.)
     *
     * @throws TargetUnavailableException while a port has fewer sockets than wanted
     */
    public void requireSockets(List<PolicyHook> hooks) {
        for (PolicyHook h : hooks) {
            if (h.getType() != HookType.SOCKET_SELECT) {
                continue;
            }
            Protocol protocol = protocolOf(h);
            SocketSelectTarget t = targets.stream().filter(SocketSelectTarget.class::isInstance).map(SocketSelectTarget.class::cast)
                    .filter(s -> s.port() == h.getPort() && s.protocol() == protocol).findFirst().orElseThrow();
            int bound = sockets(t).size();
            int wanted = h.getExecutors() == null ? 1 : h.getExecutors();
            if (bound < wanted) {
                throw new TargetUnavailableException("waiting for " + wanted + " " + t.protocol() + " sockets on port "
                        + t.port() + " (" + bound + " bound)");
            }
        }
    }

    private static Protocol protocolOf(PolicyHook h) {
        return h.protocolOrDefault() == TransportProtocol.TCP ? Protocol.TCP : Protocol.UDP;
    }

    /** The agent's hook for a hook type of the custom resource. */
    static Hook hook(HookType type) {
        return switch (type) {
            case SOCKET_SELECT -> Hook.SOCKET_SELECT;
            case XDP_CPU -> Hook.XDP_CPU;
            case XDP_SOCKET -> Hook.XDP_SOCKET;
            case THREAD -> Hook.THREAD;
        };
    }

    /**
     * The pod's interface in its network namespace and the AF_XDP sockets of the pod's process that holds
     * them; the fingerprint gets that process and its sockets.
     */
    private static XdpSocketTarget xdpSocket(PolicyHook h, PodResolver.ResolvedPod pod, Protocol protocol, StringBuilder fp) {
        PodAfXdpSockets.Holder holder = PodAfXdpSockets.find(pod);
        int wanted = h.getExecutors() == null ? 1 : h.getExecutors();
        if (holder.inodes().size() < wanted) {
            throw new TargetUnavailableException("waiting for " + wanted + " AF_XDP sockets in process " + holder.pid()
                    + " (" + holder.inodes().size() + " open)");
        }
        fp.append(";xsk:").append(h.interfaceOrDefault()).append('/').append(protocol).append('/').append(h.getPort())
                .append('=').append(holder.pid()).append(':')
                .append(holder.inodes().stream().map(String::valueOf).collect(Collectors.joining(",")));
        return new XdpSocketTarget(pod.netns(), h.interfaceOrDefault(), protocol, h.getPort(), holder.pid());
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
                + (h.getType() == HookType.XDP_CPU || h.getType() == HookType.XDP_SOCKET ? h.interfaceOrDefault() : "")
                + "|" + h.getExecutors() + "|" + h.getCpus())
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
