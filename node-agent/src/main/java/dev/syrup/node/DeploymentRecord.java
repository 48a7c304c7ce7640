package dev.syrup.node;

import dev.syrup.api.HookSpec;
import dev.syrup.deploy.Deployment;
import dev.syrup.hook.CgroupRef;
import dev.syrup.policy.Hook;
import dev.syrup.hook.HookConfig;
import dev.syrup.hook.HookTarget;
import dev.syrup.hook.NetnsRef;
import dev.syrup.hook.NetworkTarget;
import dev.syrup.hook.Protocol;
import dev.syrup.hook.SocketSelectTarget;
import dev.syrup.hook.ThreadTarget;
import dev.syrup.hook.XdpCpuTarget;
import dev.syrup.hook.XdpSocketTarget;
import dev.syrup.hook.XdpTarget;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What syrupd keeps on disk of a deployment, beside its pins: enough to adopt it after a restart
 * (targets with their namespace inode or cgroup id and load-time constants) and who owns it. The
 * affinity backend keeps the threads it moved in a file of its own beside it (state/threads/ID.json).
 */
public record DeploymentRecord(String id, Owner owner, String policyName, String policySha256, List<Target> targets,
                               PodBinding binding) {
    /**
     * Who owns a deployment: a caller's uid and cgroup, and for a deployment the agent made for a
     * Kubernetes pod, that pod's UID (null otherwise).
     */
    public record Owner(int uid, String cgroup, String pod) {
        /** The owner of a deployment a local caller made: its uid and cgroup. */
        public static Owner ofCaller(int uid, String cgroup) { return new Owner(uid, cgroup, null); }

        /** The owner of a deployment made by the agent (root) for a pod. */
        public static Owner ofPod(String podUid, String podCgroup) { return new Owner(0, podCgroup, podUid); }

        /** Whether a caller of that uid and cgroup is this owner. */
        public boolean isCaller(int callerUid, String callerCgroup) {
            return uid == callerUid && cgroup.equals(callerCgroup);
        }
    }

    /**
     * Why the agent made a deployment (Kubernetes mode): for which SchedulingPolicyNode and pod, from
     * which source and hooks, and against which instance of the pod (its fingerprint: network
     * namespace and sockets), so that a restarted agent re-adopts it and a restarted pod is redeployed.
     */
    public record PodBinding(String namespace, String nodeObject, String policy, String pod, String podUid, String sourceHash,
                             String hooks, String fingerprint) {}

    /**
     * A network target (netns .. iface) or a thread target (cgroup, cgroupId, cgroupLevel, and threads:
     * "registered" when it schedules only registered threads; absent in records of earlier versions);
     * pid: the process whose AF_XDP sockets an xdp-socket target serves (absent: the application
     * registers them, up to executors of them).
     */
    public record Target(String hook, String netns, long netnsInode, String protocol, int port, String iface,
                         List<Integer> cpus, int executors, List<Integer> executorCpus, String cgroup, Long cgroupId,
                         Integer cgroupLevel, String threads, Integer pid) {}

    public static DeploymentRecord of(Deployment d, Owner owner) { return of(d, owner, null); }

    public static DeploymentRecord of(Deployment d, Owner owner, PodBinding binding) {
        List<Target> targets = d.targets().stream().map(t -> {
            HookConfig c = d.config(t);
            if (t instanceof ThreadTarget tt) {
                return new Target(t.hook().cliName(), null, 0, null, 0, null, tt.cpus(), c.executors(), c.cpus(),
                        tt.cgroup().path(), tt.cgroup().id(), tt.cgroup().level(),
                        tt.registeredOnly() ? HookSpec.REGISTERED_THREADS : HookSpec.ALL_THREADS, null);
            }
            NetworkTarget n = (NetworkTarget) t;
            XdpTarget x = t instanceof XdpTarget xt ? xt : null;
            return new Target(t.hook().cliName(), n.netns().path().toString(), n.netns().inode(),
                    n.protocol().toString(), n.port(), x == null ? null : x.iface(),
                    x instanceof XdpCpuTarget xc ? xc.cpus() : List.of(), c.executors(), c.cpus(), null, null, null, null,
                    x instanceof XdpSocketTarget xs && !xs.registersSockets() ? xs.pid() : null);
        }).toList();
        return new DeploymentRecord(d.id(), owner, d.policyName(), d.policyHash(), targets, binding);
    }

    /** The same record after a replace: the new policy, the same targets and owner. */
    public DeploymentRecord withPolicy(Deployment d, PodBinding newBinding) {
        return new DeploymentRecord(id, owner, d.policyName(), d.policyHash(), targets, newBinding);
    }

    public Deployment toDeployment() {
        Map<String, HookConfig> configs = new LinkedHashMap<>();
        List<HookTarget> hookTargets = targets.stream().map(t -> {
            Hook hook = Hook.fromCliName(t.hook());
            HookTarget ht;
            if (hook == Hook.THREAD) {
                ht = new ThreadTarget(new CgroupRef(t.cgroup(), t.cgroupId(), t.cgroupLevel()), t.cpus(),
                        HookSpec.REGISTERED_THREADS.equals(t.threads()));
            } else {
                NetnsRef netns = new NetnsRef(Path.of(t.netns()), t.netnsInode());
                ht = switch (hook) {
                    case SOCKET_SELECT -> new SocketSelectTarget(netns, Protocol.parse(t.protocol()), t.port());
                    case XDP_SOCKET -> t.pid() == null
                            ? XdpSocketTarget.registered(netns, t.iface(), Protocol.parse(t.protocol()), t.port(), t.executors())
                            : new XdpSocketTarget(netns, t.iface(), Protocol.parse(t.protocol()), t.port(), t.pid());
                    default -> new XdpCpuTarget(netns, t.iface(), Protocol.parse(t.protocol()), t.port(), t.cpus());
                };
            }
            configs.put(ht.key(), HookConfig.of(ht, t.executors(), t.executorCpus()));
            return ht;
        }).toList();
        return new Deployment(id, policyName, policySha256, hookTargets, configs);
    }
}
