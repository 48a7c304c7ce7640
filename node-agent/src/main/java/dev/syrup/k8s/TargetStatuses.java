package dev.syrup.k8s;

import dev.syrup.crds.v1alpha1.HookType;
import dev.syrup.crds.v1alpha1.SchedulingPolicyNodeStatus;
import dev.syrup.crds.v1alpha1.SchedulingPolicyNodeStatus.TargetStatus;
import dev.syrup.crds.v1alpha1.TransportProtocol;
import dev.syrup.deploy.TargetState;
import dev.syrup.hook.HookTarget;
import dev.syrup.hook.Protocol;
import dev.syrup.hook.SocketSelectTarget;
import dev.syrup.node.DeploymentService;
import java.util.ArrayList;
import java.util.List;

/**
 * A pod deployment's socket-select targets as the node object's status shows them: attached, waiting
 * or failed, the live executors and when that last changed, as the deployment's follower knows it.
 */
final class TargetStatuses {
    private TargetStatuses() {}

    /** The followed targets of deployment id; null if it has none (or is gone), so the field stays unset. */
    static List<TargetStatus> of(DeploymentService deployments, String id) {
        List<TargetStatus> out = new ArrayList<>();
        deployments.get(id).ifPresent(e -> {
            for (HookTarget t : e.deployment().targets()) {
                if (t instanceof SocketSelectTarget s) {
                    deployments.state(id, t).ifPresent(st -> out.add(of(s, st)));
                }
            }
        });
        return out.isEmpty() ? null : out;
    }

    static TargetStatus of(SocketSelectTarget t, TargetState s) {
        return new TargetStatus(HookType.SOCKET_SELECT,
                t.protocol() == Protocol.TCP ? TransportProtocol.TCP : TransportProtocol.UDP, t.port(), state(s.state()),
                s.live(), s.changedAt().toString(), s.problem());
    }

    private static SchedulingPolicyNodeStatus.TargetState state(TargetState.State s) {
        return switch (s) {
            case ATTACHED -> SchedulingPolicyNodeStatus.TargetState.Attached;
            case WAITING -> SchedulingPolicyNodeStatus.TargetState.Waiting;
            case FAILED -> SchedulingPolicyNodeStatus.TargetState.Failed;
        };
    }
}
