package dev.syrup.crds.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;

import java.util.ArrayList;
import java.util.List;

/** Written by the operator: its view of the policy, aggregated from the per-node objects. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SchedulingPolicyStatus {
    private Long observedGeneration;

    @JsonPropertyDescription("Accepted, Compiled, Ready, Degraded.")
    private List<Condition> conditions = new ArrayList<>();

    @JsonPropertyDescription("Pods the policy selects (annotation or podSelector).")
    private Integer selectedPods;
    @JsonPropertyDescription("Selected pods the policy is attached to at every hook.")
    private Integer attachedPods;
    @JsonPropertyDescription("Selected pods an agent failed to attach the policy to.")
    private Integer failedPods;
    @JsonPropertyDescription("Nodes that run selected pods.")
    private Integer nodes;

    @JsonPropertyDescription("A few of the failures, with the agent's message.")
    private List<PodFailure> failures;

    public Long getObservedGeneration() { return observedGeneration; }
    public void setObservedGeneration(Long observedGeneration) { this.observedGeneration = observedGeneration; }
    public List<Condition> getConditions() { return conditions; }
    public void setConditions(List<Condition> conditions) { this.conditions = conditions; }
    public Integer getSelectedPods() { return selectedPods; }
    public void setSelectedPods(Integer selectedPods) { this.selectedPods = selectedPods; }
    public Integer getAttachedPods() { return attachedPods; }
    public void setAttachedPods(Integer attachedPods) { this.attachedPods = attachedPods; }
    public Integer getFailedPods() { return failedPods; }
    public void setFailedPods(Integer failedPods) { this.failedPods = failedPods; }
    public Integer getNodes() { return nodes; }
    public void setNodes(Integer nodes) { this.nodes = nodes; }
    public List<PodFailure> getFailures() { return failures; }
    public void setFailures(List<PodFailure> failures) { this.failures = failures; }

    /** The condition of that type, or null. */
    public Condition condition(String type) {
        return conditions == null ? null : conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
    }

    public static class PodFailure {
        private String node;
        private String pod;
        private String message;

        public PodFailure() {}
        public PodFailure(String node, String pod, String message) { this.node = node; this.pod = pod; this.message = message; }

        public String getNode() { return node; }
        public void setNode(String node) { this.node = node; }
        public String getPod() { return pod; }
        public void setPod(String pod) { this.pod = pod; }
        public String getMessage() { return message; }
        public void setMessage(String message) { this.message = message; }
    }
}
