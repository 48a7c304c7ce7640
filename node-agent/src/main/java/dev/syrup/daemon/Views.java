package dev.syrup.daemon;

import dev.syrup.api.DeploymentView;
import dev.syrup.api.HookSpec;
import dev.syrup.deploy.Deployment;
import dev.syrup.deploy.TargetState;
import dev.syrup.hook.DecisionStats;
import dev.syrup.hook.HookTarget;
import dev.syrup.hook.NetworkTarget;
import dev.syrup.hook.ThreadTarget;
import dev.syrup.hook.XdpTarget;
import dev.syrup.hook.thread.ThreadStats;
import dev.syrup.node.DeploymentService;
import java.util.List;
import java.util.Optional;

/** Deployments as the protocol shows them, with the kernel's decision counters. */
final class Views {
    private Views() {}

    static DeploymentView of(DeploymentService.Entry e, DeploymentService deployments) {
        Deployment d = e.deployment();
        List<DeploymentView.Target> targets = d.targets().stream().map(t -> target(d, t, deployments)).toList();
        return new DeploymentView(d.id(), new DeploymentView.Owner(e.owner().uid(), e.owner().cgroup()),
                new DeploymentView.Policy(d.policyName(), d.policyHash()), targets);
    }

    private static DeploymentView.Target target(Deployment d, HookTarget t, DeploymentService deployer) {
        DecisionStats s = deployer.stats(d.id(), t);
        if (t instanceof ThreadTarget tt) {
            ThreadStats ts = deployer.threadStats(d.id());
            return new DeploymentView.Target(t.hook().cliName(), null, 0, null, null, d.config(t).cpus(),
                    d.config(t).executors(), s.perExecutor(), s.pass(), s.drop(), s.fallback(), tt.cgroup().path(),
                    new DeploymentView.Threads(ts.backend(), ts.events(), ts.moved(), ts.skipped(), ts.threads(),
                            ts.latencyP50Us(), ts.latencyP99Us(),
                            tt.registeredOnly() ? HookSpec.REGISTERED_THREADS : HookSpec.ALL_THREADS,
                            deployer.registeredThreads(d.id(), tt)));
        }
        NetworkTarget n = (NetworkTarget) t;
        XdpTarget x = t instanceof XdpTarget xt ? xt : null;
        Optional<TargetState> state = deployer.state(d.id(), t);
        return new DeploymentView.Target(t.hook().cliName(), n.protocol().toString(), n.port(),
                n.netns().path().toString(), x == null ? null : x.iface(), d.config(t).cpus(),
                d.config(t).executors(), s.perExecutor(), s.pass(), s.drop(), s.fallback(), null, null,
                state.map(st -> st.state().wireName()).orElse(null), state.map(TargetState::live).orElse(null),
                state.map(st -> st.changedAt().toString()).orElse(null), state.map(TargetState::problem).orElse(null));
    }
}
