package dev.syrup.crds.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
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
    @Size(max = 64)
    @ValidationRule(value = "self.all(k, size(k) <= 317 && size(self[k]) <= 63)",
            message = "a label key has at most 317 characters (prefix/name), a label value at most 63")
    private Map<String, String> matchLabels;

    @JsonPropertyDescription("Label requirements, ANDed (operator In, NotIn, Exists or DoesNotExist, as in Kubernetes).")
    @Size(max = 16)
    @ValidationRule(value = "self.all(r, r.operator in ['In', 'NotIn', 'Exists', 'DoesNotExist'])",
            message = "matchExpressions[].operator must be In, NotIn, Exists or DoesNotExist")
    @ValidationRule(value = "self.all(r, !(r.operator in ['In', 'NotIn']) || (has(r.values) && size(r.values) > 0))",
            message = "matchExpressions[].values must be non-empty for In and NotIn")
    @ValidationRule(value = "self.all(r, !(r.operator in ['Exists', 'DoesNotExist']) || !has(r.values) || size(r.values) == 0)",
            message = "matchExpressions[].values must be empty for Exists and DoesNotExist")
    @ValidationRule(value = "self.all(r, size(r.key) <= 317 && (!has(r.values) || size(r.values) <= 64))",
            message = "matchExpressions[]: a key has at most 317 characters and at most 64 values")
    private List<LabelSelectorRequirement> matchExpressions;

    @JsonPropertyDescription("Must be the policy's own namespace: a policy never selects pods of other namespaces.")
    @Pattern("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
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
