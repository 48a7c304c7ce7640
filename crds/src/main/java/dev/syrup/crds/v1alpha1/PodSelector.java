package dev.syrup.crds.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;

import java.util.List;
import java.util.Map;

/**
 * A label selector over the pods of the policy's own namespace. namespace, if given, must be the policy's
 * own (a ValidatingAdmissionPolicy shipped with the CRDs enforces it: a CRD rule cannot see the namespace).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PodSelector {
    @JsonPropertyDescription("Pods whose labels include all of these.")
    private Map<String, String> matchLabels;

    @JsonPropertyDescription("Label requirements, ANDed.")
    private List<LabelSelectorRequirement> matchExpressions;

    @JsonPropertyDescription("Must be the policy's own namespace: a policy never selects pods of other namespaces.")
    private String namespace;

    public PodSelector() {}

    public PodSelector(Map<String, String> matchLabels) { this.matchLabels = matchLabels; }

    public Map<String, String> getMatchLabels() { return matchLabels; }
    public void setMatchLabels(Map<String, String> matchLabels) { this.matchLabels = matchLabels; }
    public List<LabelSelectorRequirement> getMatchExpressions() { return matchExpressions; }
    public void setMatchExpressions(List<LabelSelectorRequirement> matchExpressions) { this.matchExpressions = matchExpressions; }
    public String getNamespace() { return namespace; }
    public void setNamespace(String namespace) { this.namespace = namespace; }
}
