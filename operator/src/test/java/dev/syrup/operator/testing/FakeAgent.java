package dev.syrup.operator.testing;

import dev.syrup.crds.SyrupLabels;
import dev.syrup.crds.v1alpha1.SchedulingPolicyNode;
import dev.syrup.crds.v1alpha1.SchedulingPolicyNodeStatus;
import dev.syrup.crds.v1alpha1.SchedulingPolicyNodeStatus.PodAttachment;
import dev.syrup.crds.v1alpha1.SchedulingPolicyNodeStatus.PodState;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Plays the node agents (which run on another branch): writes SchedulingPolicyNode status as an agent does and
 * holds or releases the agent's finalizer.
 */
public final class FakeAgent {
    private final KubernetesClient client;

    public FakeAgent(KubernetesClient client) { this.client = client; }

    /** Every pod of the object Attached, for its current spec. */
    public void attachAll(String ns, String name) {
        report(ns, name, o -> PodState.Attached, Map.of(), null, null);
    }

    /** Pods in states (by name; others Attached), with a message for failed ones. */
    public void report(String ns, String name, Function<String, PodState> stateOf, Map<String, String> messages,
                       String reason, String message) {
        client.resources(SchedulingPolicyNode.class).inNamespace(ns).withName(name).editStatus(o -> {
            SchedulingPolicyNodeStatus s = new SchedulingPolicyNodeStatus();
            s.setObservedGeneration(o.getMetadata().getGeneration());
            s.setPolicyGeneration(o.getSpec().getPolicyGeneration());
            List<PodAttachment> pods = new ArrayList<>();
            o.getSpec().getPods().forEach(p -> pods.add(new PodAttachment(p.getName(), p.getUid(), stateOf.apply(p.getName()),
                    messages.get(p.getName()))));
            s.setPods(pods);
            s.setSelectedPods(pods.size());
            s.setAttachedPods((int) pods.stream().filter(p -> p.getState() == PodState.Attached).count());
            s.setFailedPods((int) pods.stream().filter(p -> p.getState() == PodState.Failed).count());
            s.setReason(reason);
            s.setMessage(message);
            o.setStatus(s);
            return o;
        });
    }

    public void holdFinalizer(String ns, String name) {
        client.resources(SchedulingPolicyNode.class).inNamespace(ns).withName(name).edit(o -> {
            if (o.getMetadata().getFinalizers() == null || !o.getMetadata().getFinalizers().contains(SyrupLabels.AGENT_FINALIZER)) {
                o.getMetadata().getFinalizers().add(SyrupLabels.AGENT_FINALIZER);
            }
            return o;
        });
    }

    public void releaseFinalizer(String ns, String name) {
        client.resources(SchedulingPolicyNode.class).inNamespace(ns).withName(name).edit(o -> {
            o.getMetadata().getFinalizers().remove(SyrupLabels.AGENT_FINALIZER);
            return o;
        });
    }
}
