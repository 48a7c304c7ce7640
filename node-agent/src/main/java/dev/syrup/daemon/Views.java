package dev.syrup.daemon;

import dev.syrup.api.DeploymentView;
import dev.syrup.deploy.Deployer;
import dev.syrup.deploy.Deployment;
import dev.syrup.hook.DecisionStats;
import dev.syrup.hook.HookTarget;
import dev.syrup.hook.XdpCpuTarget;
import java.util.List;

/** Deployments as the protocol shows them, with the kernel's decision counters. */
final class Views {
    private Views() {}

    static DeploymentView of(Deployment d, DeploymentRecord.Owner owner, Deployer deployer) {
        List<DeploymentView.Target> targets = d.targets().stream().map(t -> target(d, t, deployer)).toList();
        return new DeploymentView(d.id(), new DeploymentView.Owner(owner.uid(), owner.cgroup()),
                new DeploymentView.Policy(d.policyName(), d.policyHash()), targets);
    }

    private static DeploymentView.Target target(Deployment d, HookTarget t, Deployer deployer) {
        DecisionStats s = deployer.stats(d.id(), t);
        XdpCpuTarget x = t instanceof XdpCpuTarget xt ? xt : null;
        return new DeploymentView.Target(t.hook().cliName(), t.protocol().toString(), t.port(),
                t.netns().path().toString(), x == null ? null : x.iface(), d.config(t).cpus(),
                d.config(t).executors(), s.perExecutor(), s.pass(), s.drop(), s.fallback());
    }
}
