package dev.syrup.operator;

import dev.syrup.crds.SyrupLabels;
import dev.syrup.crds.v1alpha1.PodSelector;
import dev.syrup.crds.v1alpha1.SchedulingPolicy;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.Pod;

import java.util.List;
import java.util.Map;

/** Which pods a policy targets: opted in by annotation or selected by its podSelector, in its own namespace. */
public final class PodSelection {
    private PodSelection() {}

    /** Whether the policy selects the pod (whatever the pod's state). */
    public static boolean selects(SchedulingPolicy policy, Pod pod) {
        String ns = policy.getMetadata().getNamespace();
        if (!ns.equals(pod.getMetadata().getNamespace())) {
            return false;
        }
        Map<String, String> annotations = pod.getMetadata().getAnnotations();
        if (annotations != null && policy.getMetadata().getName().equals(annotations.get(SyrupLabels.POLICY_ANNOTATION))) {
            return true;
        }
        PodSelector selector = policy.getSpec() == null ? null : policy.getSpec().getPodSelector();
        return selector != null && matches(selector, pod.getMetadata().getLabels());
    }

    /** Whether the pod runs or will run on a node: scheduled, not finished and not being deleted. */
    public static boolean isActive(Pod pod) {
        if (pod.getMetadata().getDeletionTimestamp() != null) {
            return false;
        }
        if (pod.getSpec() == null || pod.getSpec().getNodeName() == null || pod.getSpec().getNodeName().isEmpty()) {
            return false;
        }
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        return !"Succeeded".equals(phase) && !"Failed".equals(phase);
    }

    /**
     * Label selector semantics (matchLabels and matchExpressions ANDed). A selector with neither selects
     * nothing: an empty podSelector must not silently take every pod of the namespace.
     */
    public static boolean matches(PodSelector selector, Map<String, String> labels) {
        return matches(selector.getMatchLabels(), selector.getMatchExpressions(), labels);
    }

    /** Label selector semantics over matchLabels and matchExpressions; neither given selects nothing. */
    public static boolean matches(Map<String, String> want, List<LabelSelectorRequirement> exprs, Map<String, String> labels) {
        Map<String, String> have = labels == null ? Map.of() : labels;
        boolean empty = (want == null || want.isEmpty()) && (exprs == null || exprs.isEmpty());
        if (empty) {
            return false;
        }
        if (want != null) {
            for (var e : want.entrySet()) {
                if (!e.getValue().equals(have.get(e.getKey()))) {
                    return false;
                }
            }
        }
        if (exprs != null) {
            for (LabelSelectorRequirement r : exprs) {
                if (!matches(r, have)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean matches(LabelSelectorRequirement r, Map<String, String> labels) {
        String value = labels.get(r.getKey());
        List<String> values = r.getValues() == null ? List.of() : r.getValues();
        return switch (r.getOperator()) {
            case "In" -> value != null && values.contains(value);
            case "NotIn" -> value == null || !values.contains(value);
            case "Exists" -> labels.containsKey(r.getKey());
            case "DoesNotExist" -> !labels.containsKey(r.getKey());
            default -> false;
        };
    }

    /** Why the selector is invalid, or null when it is valid. */
    public static String validate(PodSelector selector, String policyNamespace) {
        if (selector == null) {
            return null;
        }
        if (selector.getNamespace() != null && !selector.getNamespace().equals(policyNamespace)) {
            return "podSelector.namespace " + selector.getNamespace() + " is not the policy's namespace " + policyNamespace;
        }
        if (selector.getMatchExpressions() != null) {
            for (LabelSelectorRequirement r : selector.getMatchExpressions()) {
                String op = r.getOperator();
                boolean needsValues = "In".equals(op) || "NotIn".equals(op);
                boolean known = needsValues || "Exists".equals(op) || "DoesNotExist".equals(op);
                if (!known) {
                    return "podSelector.matchExpressions: unknown operator " + op + " (In, NotIn, Exists, DoesNotExist)";
                }
                boolean hasValues = r.getValues() != null && !r.getValues().isEmpty();
                if (needsValues != hasValues) {
                    return "podSelector.matchExpressions: operator " + op + (needsValues ? " needs values" : " takes no values");
                }
            }
        }
        return null;
    }
}
