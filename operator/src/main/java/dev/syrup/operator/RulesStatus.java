package dev.syrup.operator;

import dev.syrup.crds.v1alpha1.SchedulingPolicyRules;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.Objects;

/**
 * Tells the administrator which generation of the SchedulingPolicyRules the operator enforces
 * (status.observedGeneration), once per generation; best effort.
 */
@ApplicationScoped
public class RulesStatus {
    private static final Logger LOG = Logger.getLogger(RulesStatus.class);

    private final KubernetesClient client;
    private volatile Long written;

    public RulesStatus(KubernetesClient client) { this.client = client; }

    public void observed(SchedulingPolicyRules rules) {
        if (rules == null) {
            return;
        }
        Long generation = rules.getMetadata().getGeneration();
        boolean current = rules.getStatus() != null && Objects.equals(rules.getStatus().getObservedGeneration(), generation);
        if (current || Objects.equals(written, generation)) {
            return;
        }
        try {
            client.resources(SchedulingPolicyRules.class).withName(SchedulingPolicyRules.NAME).subresource("status")
                    .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"status\":{\"observedGeneration\":" + generation + "}}");
            written = generation;
            LOG.infof("enforcing SchedulingPolicyRules %s generation %d", SchedulingPolicyRules.NAME, generation);
        } catch (RuntimeException e) {
            LOG.warnf("could not write the status of SchedulingPolicyRules %s: %s", SchedulingPolicyRules.NAME, e.getMessage());
        }
    }
}
