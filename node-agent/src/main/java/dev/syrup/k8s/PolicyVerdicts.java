package dev.syrup.k8s;

import dev.syrup.crds.v1alpha1.PolicyHook;
import dev.syrup.deploy.PolicyChecker;
import dev.syrup.hook.Hook;
import dev.syrup.policy.CompileException;
import dev.syrup.policy.PolicyException;
import dev.syrup.policy.PolicyForbiddenException;
import dev.syrup.policy.PolicySource;
import dev.syrup.policy.VerificationException;
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
    /** A failure of the policy itself: reason CompileFailed, VerifierRejected or PolicyRejected, and the message. */
    record Failure(String reason, String message) {}

    private static final int MAX_ENTRIES = 256;
    private final PolicyChecker checker;
    private final Map<String, Optional<Failure>> cache = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Optional<Failure>> e) { return size() > MAX_ENTRIES; }
    };

    PolicyVerdicts(PolicyChecker checker) { this.checker = checker; }

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
            } catch (CompileException e) {
                verdict = Optional.of(new Failure("CompileFailed", e.getMessage()));
            } catch (VerificationException e) {
                verdict = Optional.of(new Failure("VerifierRejected", e.getMessage()));
            } catch (PolicyForbiddenException e) {
                verdict = Optional.of(new Failure("PolicyForbidden", e.getMessage()));
            } catch (PolicyException e) {
                verdict = Optional.of(new Failure("PolicyRejected", e.getMessage()));
            }
            if (verdict.isPresent()) {
                break;
            }
        }
        cache.put(key, verdict);
        return verdict;
    }
}
