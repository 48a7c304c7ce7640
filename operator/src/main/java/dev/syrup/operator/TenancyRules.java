package dev.syrup.operator;

import dev.syrup.crds.v1alpha1.HookAccess;
import dev.syrup.crds.v1alpha1.HookType;
import dev.syrup.crds.v1alpha1.NamespaceLimits;
import dev.syrup.crds.v1alpha1.SchedulingPolicyRules;
import dev.syrup.crds.v1alpha1.SchedulingPolicyRulesSpec;
import io.fabric8.kubernetes.api.model.LabelSelector;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The administrator's rules as the operator applies them: the SchedulingPolicyRules object "default", or the
 * built-in defaults when there is none (socket-select in every namespace, xdp-cpu, xdp-socket and thread in
 * none, no limits). A hook type the object leaves out keeps its default too.
 */
public final class TenancyRules {
    private static final String SOURCE = "SchedulingPolicyRules \"" + SchedulingPolicyRules.NAME + "\"";

    private final SchedulingPolicyRulesSpec spec;
    private final boolean present;

    private TenancyRules(SchedulingPolicyRulesSpec spec, boolean present) {
        this.spec = spec == null ? new SchedulingPolicyRulesSpec() : spec;
        this.present = present;
    }

    /** The rules of that object; the built-in defaults when it is null. */
    public static TenancyRules of(SchedulingPolicyRules rules) {
        return rules == null ? new TenancyRules(null, false) : new TenancyRules(rules.getSpec(), true);
    }

    /** Whether a namespace (with these labels) may use the hook type. */
    public boolean hookAllowed(HookType type, String namespace, Map<String, String> namespaceLabels) {
        HookAccess a = access(type);
        if (a == null) {
            return type == HookType.SOCKET_SELECT;
        }
        if (Boolean.TRUE.equals(a.getAllNamespaces())) {
            return true;
        }
        if (a.getNamespaces() != null && a.getNamespaces().contains(namespace)) {
            return true;
        }
        LabelSelector sel = a.getNamespaceSelector();
        return sel != null && PodSelection.matches(sel.getMatchLabels(), sel.getMatchExpressions(), namespaceLabels);
    }

    /** Why the hook type is refused in that namespace: what the rules allow instead, and where to change them. */
    public String hookRefusal(HookType type, String namespace) {
        String hook = type.cliName();
        String field = "spec.hooks." + hook;
        HookAccess a = access(type);
        String head = "namespace " + namespace + " may not use the " + hook + " hook: ";
        if (a == null) {
            return head + hook + " is off unless the cluster administrator allows it (" + SOURCE + ", " + field
                    + (present ? ", not set" : "; there is no such object") + ")";
        }
        List<String> allowed = new ArrayList<>();
        if (a.getNamespaces() != null && !a.getNamespaces().isEmpty()) {
            allowed.add("namespaces " + String.join(", ", a.getNamespaces()));
        }
        if (a.getNamespaceSelector() != null) {
            allowed.add("namespaces labelled " + selectorText(a.getNamespaceSelector()));
        }
        return head + SOURCE + " (" + field + ") allows it in " + (allowed.isEmpty() ? "no namespace" : String.join(" and ", allowed));
    }

    /** How many policies the namespace may have; null: no limit. */
    public Integer policyLimit(String namespace) {
        NamespaceLimits.Override o = override(namespace);
        return o != null && o.getPolicies() != null ? o.getPolicies() : limits() == null ? null : limits().getPolicies();
    }

    /** How many map bytes the namespace's policies may declare together; null: no limit. */
    public Long mapBytesLimit(String namespace) {
        NamespaceLimits.Override o = override(namespace);
        return o != null && o.getMapBytes() != null ? o.getMapBytes() : limits() == null ? null : limits().getMapBytes();
    }

    public boolean hasLimits(String namespace) {
        return policyLimit(namespace) != null || mapBytesLimit(namespace) != null;
    }

    /** Where a namespace's limit is set, for messages: the override or the general limit. */
    public String limitSource(String namespace, String limit) {
        NamespaceLimits.Override o = override(namespace);
        boolean overridden = o != null && ("policies".equals(limit) ? o.getPolicies() != null : o.getMapBytes() != null);
        return SOURCE + ", spec.limits." + (overridden ? "overrides[namespace=" + namespace + "]." : "") + limit;
    }

    private HookAccess access(HookType type) {
        return spec.getHooks() == null ? null : spec.getHooks().forHook(type);
    }

    private NamespaceLimits limits() { return spec.getLimits(); }

    private NamespaceLimits.Override override(String namespace) {
        if (limits() == null || limits().getOverrides() == null) {
            return null;
        }
        return limits().getOverrides().stream().filter(o -> namespace.equals(o.getNamespace())).findFirst().orElse(null);
    }

    private static String selectorText(LabelSelector s) {
        List<String> parts = new ArrayList<>();
        if (s.getMatchLabels() != null) {
            s.getMatchLabels().forEach((k, v) -> parts.add(k + "=" + v));
        }
        if (s.getMatchExpressions() != null) {
            s.getMatchExpressions().forEach(r -> parts.add(r.getKey() + " " + r.getOperator()
                    + (r.getValues() == null || r.getValues().isEmpty() ? "" : " (" + String.join(", ", r.getValues()) + ")")));
        }
        return parts.isEmpty() ? "(empty selector: none)" : String.join(", ", parts);
    }
}
