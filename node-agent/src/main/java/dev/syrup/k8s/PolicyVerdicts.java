package dev.syrup.k8s;

import dev.syrup.crds.v1alpha1.PolicyHook;
import dev.syrup.crds.v1alpha1.PolicyReasons;
import dev.syrup.policy.Hook;
import dev.syrup.deploy.PolicyChecker;
import dev.syrup.policy.PolicyException;
import dev.syrup.policy.PolicySource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a policy compiles and passes the verifier at its hooks, checked once per source and hooks
 * (compiled objects are cached on disk by content hash as well): a policy that fails does so the same
 * way for every pod, and is reported once on the node object rather than per pod.
 */
final class PolicyVerdicts {
    /** A failure of the policy itself: a reason of {@link PolicyReasons} and the message. */
    record Failure(String reason, String message) {}

    /** Compiles and loads a policy for hooks with that many executors; throws what is wrong with it. */
    @FunctionalInterface
    interface Check {
        void check(PolicySource policy, List<Hook> hooks, int executors);
    }

    private static final int MAX_ENTRIES = 256;
    private final Check checker;
    private final Map<String, Optional<Failure>> cache = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Optional<Failure>> e) { return size() > MAX_ENTRIES; }
    };

    PolicyVerdicts(Check checker) { this.checker = checker; }

    /** The failure of policy at hooks, or empty when it would deploy. */
    synchronized Optional<Failure> check(PolicySource policy, List<PolicyHook> hooks) {
        String key = policy.sha256() + "/" + policy.name() + "/" + PodTargets.signature(hooks);
        Optional<Failure> cached = cache.get(key);
        if (cached != null) {
            return cached;
        }
        Optional<Failure> verdict = Optional.empty();
        for (PolicyHook h : hooks) {
            Hook hook = PodTargets.hook(h.getType());
            int executors = h.getExecutors() != null ? h.getExecutors()
                    : h.getCpus() != null && !h.getCpus().isEmpty() ? h.getCpus().size() : PolicyChecker.DEFAULT_EXECUTORS;
            try {
                checker.check(policy, List.of(hook), executors);
            } catch (PolicyException e) {
                verdict = Optional.of(new Failure(reason(e), e.getMessage()));
            }
            if (verdict.isPresent()) {
                break;
            }
        }
        cache.put(key, verdict);
        return verdict;
    }

    /** The status reason of a policy's failure, by its kind. */
    static String reason(PolicyException e) {
        return switch (e.kind()) {
            case COMPILE -> PolicyReasons.COMPILE_FAILED;
            case VERIFIER -> PolicyReasons.VERIFIER_REJECTED;
            case FORBIDDEN -> PolicyReasons.POLICY_FORBIDDEN;
            case UNAVAILABLE -> PolicyReasons.COMPILER_UNAVAILABLE;
            default -> PolicyReasons.POLICY_REJECTED;
        };
    }
}
