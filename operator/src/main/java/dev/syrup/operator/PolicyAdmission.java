package dev.syrup.operator;

import dev.syrup.crds.v1alpha1.HookType;
import dev.syrup.crds.v1alpha1.PolicyHook;
import dev.syrup.crds.v1alpha1.SchedulingPolicy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToLongFunction;

/**
 * Whether the administrator's rules admit a policy: every hook type it names must be allowed in its namespace,
 * and the namespace's limits must hold. Limits are filled in order of age (creation time, then name): a policy is
 * admitted if it fits beside the older admitted ones, so a new policy never displaces an older one. Policies
 * whose hooks are refused take no share of a limit; map bytes are counted only when a map limit applies.
 */
public final class PolicyAdmission {
    public static final String HOOK_NOT_ALLOWED = "HookNotAllowed";
    public static final String LIMIT_EXCEEDED = "LimitExceeded";

    /** admitted, or the reason and message of the refusal. */
    public record Verdict(boolean admitted, String reason, String message) {}

    public static final Verdict ADMITTED = new Verdict(true, null, null);

    /** A map footprint that could not be measured (the policy does not compile); it takes no share. */
    public static final long UNKNOWN = -1;

    private PolicyAdmission() {}

    /** The first hook type of the policy its namespace may not use, as a refusal; ADMITTED if none. */
    public static Verdict hooks(SchedulingPolicy policy, TenancyRules rules, Map<String, String> namespaceLabels) {
        String ns = policy.getMetadata().getNamespace();
        for (HookType type : hookTypes(policy)) {
            if (!rules.hookAllowed(type, ns, namespaceLabels)) {
                return new Verdict(false, HOOK_NOT_ALLOWED, rules.hookRefusal(type, ns));
            }
        }
        return ADMITTED;
    }

    /**
     * Whether the policy fits in its namespace's limits beside the older policies. namespacePolicies are the
     * namespace's policies (the policy itself included); mapBytes measures one policy, UNKNOWN if it cannot.
     */
    public static Verdict limits(SchedulingPolicy policy, List<SchedulingPolicy> namespacePolicies, TenancyRules rules,
                                 Map<String, String> namespaceLabels, ToLongFunction<SchedulingPolicy> mapBytes) {
        String ns = policy.getMetadata().getNamespace();
        Integer maxPolicies = rules.policyLimit(ns);
        Long maxBytes = rules.mapBytesLimit(ns);
        if (maxPolicies == null && maxBytes == null) {
            return ADMITTED;
        }
        List<SchedulingPolicy> ordered = namespacePolicies.stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null || same(p, policy))
                .sorted(Comparator.comparing((SchedulingPolicy p) -> p.getMetadata().getCreationTimestamp(),
                                Comparator.nullsLast(Comparator.naturalOrder()))
                        .thenComparing(p -> p.getMetadata().getName()))
                .toList();
        int count = 0;
        long bytes = 0;
        List<String> holders = new ArrayList<>();
        for (SchedulingPolicy p : ordered) {
            boolean self = same(p, policy);
            if (!self && !hooks(p, rules, namespaceLabels).admitted()) {
                continue;
            }
            if (maxPolicies != null && count >= maxPolicies) {
                if (self) {
                    return new Verdict(false, LIMIT_EXCEEDED, "namespace " + ns + " may have " + maxPolicies
                            + " SchedulingPolicies (" + rules.limitSource(ns, "policies") + ") and older ones hold them: "
                            + shortList(holders));
                }
                continue;
            }
            long measured = maxBytes == null ? 0 : mapBytes.applyAsLong(p);
            if (self && measured == UNKNOWN) {
                return new Verdict(false, LIMIT_EXCEEDED, "namespace " + ns + " has a map memory limit ("
                        + rules.limitSource(ns, "mapBytes") + ") and the policy's maps could not be measured");
            }
            long b = Math.max(0, measured); // an older policy that does not compile holds no map memory
            if (maxBytes != null && bytes + b > maxBytes) {
                if (self) {
                    return new Verdict(false, LIMIT_EXCEEDED, "the policy's maps take " + b + " bytes; namespace " + ns
                            + " may have " + maxBytes + " bytes of maps (" + rules.limitSource(ns, "mapBytes")
                            + ") and its older policies take " + bytes);
                }
                continue;
            }
            if (self) {
                return ADMITTED;
            }
            count++;
            bytes += b;
            holders.add(p.getMetadata().getName());
        }
        return ADMITTED; // not in the list: being deleted
    }

    private static Set<HookType> hookTypes(SchedulingPolicy p) {
        Set<HookType> types = new LinkedHashSet<>();
        if (p.getSpec() != null && p.getSpec().getHooks() != null) {
            for (PolicyHook h : p.getSpec().getHooks()) {
                types.add(h.getType());
            }
        }
        return types;
    }

    private static boolean same(SchedulingPolicy a, SchedulingPolicy b) {
        return a.getMetadata().getName().equals(b.getMetadata().getName());
    }

    private static String shortList(List<String> names) {
        return String.join(", ", names.subList(0, Math.min(10, names.size()))) + (names.size() > 10 ? ", ..." : "");
    }
}
