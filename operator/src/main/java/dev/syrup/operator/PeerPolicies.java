package dev.syrup.operator;

import dev.syrup.crds.v1alpha1.SchedulingPolicy;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;

import java.util.Collection;
import java.util.Set;

/**
 * Reconciles the other policies of a namespace when one there frees or takes a share of the namespace's limits
 * (deleted, created or its spec changed): a policy refused for a limit may fit now, or no longer.
 */
final class PeerPolicies extends AbstractEventSource<Void, SchedulingPolicy> {
    PeerPolicies() {
        super(Void.class, "peer-policies");
    }

    void reconcile(Collection<ResourceID> policies) {
        if (isRunning()) {
            policies.forEach(id -> getEventHandler().handleEvent(new Event(id)));
        }
    }

    @Override
    public Set<Void> getSecondaryResources(SchedulingPolicy primary) {
        return Set.of();
    }
}
