package dev.syrup.crds.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Written by the operator. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SchedulingPolicyRulesStatus {
    @JsonPropertyDescription("metadata.generation of the rules the operator enforces.")
    private Long observedGeneration;

    public Long getObservedGeneration() { return observedGeneration; }
    public void setObservedGeneration(Long observedGeneration) { this.observedGeneration = observedGeneration; }
}
