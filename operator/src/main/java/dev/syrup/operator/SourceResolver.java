package dev.syrup.operator;

import dev.syrup.crds.v1alpha1.PolicySourceFrom;
import dev.syrup.crds.v1alpha1.SchedulingPolicy;
import dev.syrup.crds.v1alpha1.SchedulingPolicySpec;
import dev.syrup.policy.PolicySource;
import io.fabric8.kubernetes.api.model.ConfigMap;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Function;

/** Reads a policy's source: inline, or a key of a ConfigMap in the policy's namespace (from the informer cache). */
public final class SourceResolver {
    /** The source, or why it cannot be used: reason is a CamelCase condition reason. */
    public record Result(ResolvedSource source, String reason, String message) {
        static Result ok(ResolvedSource s) { return new Result(s, null, null); }
        static Result fail(String reason, String message) { return new Result(null, reason, message); }
        public boolean ok() { return source != null; }
    }

    public static final String SOURCE_NOT_FOUND = "SourceNotFound";
    public static final String INVALID_SPEC = "InvalidSpec";

    private SourceResolver() {}

    /** configMaps looks a ConfigMap up by name in the policy's namespace. */
    public static Result resolve(SchedulingPolicy policy, Function<String, Optional<ConfigMap>> configMaps) {
        SchedulingPolicySpec spec = policy.getSpec();
        if (spec == null) {
            return Result.fail(INVALID_SPEC, "the policy has no spec");
        }
        boolean inline = spec.getSource() != null;
        PolicySourceFrom from = spec.getSourceFrom();
        if (inline == (from != null)) {
            return Result.fail(INVALID_SPEC, "exactly one of source and sourceFrom must be set");
        }
        if (inline) {
            return checked(policy.getMetadata().getName() + ".c", spec.getSource());
        }
        PolicySourceFrom.ConfigMapKey ref = from.getConfigMapKeyRef();
        if (ref == null || ref.getName() == null || ref.getKey() == null) {
            return Result.fail(INVALID_SPEC, "sourceFrom.configMapKeyRef needs a name and a key");
        }
        String where = "ConfigMap " + policy.getMetadata().getNamespace() + "/" + ref.getName();
        Optional<ConfigMap> cm = configMaps.apply(ref.getName());
        if (cm.isEmpty()) {
            return Result.fail(SOURCE_NOT_FOUND, where + " does not exist");
        }
        String text = cm.get().getData() == null ? null : cm.get().getData().get(ref.getKey());
        if (text == null) {
            boolean binary = cm.get().getBinaryData() != null && cm.get().getBinaryData().containsKey(ref.getKey());
            return Result.fail(SOURCE_NOT_FOUND, where + " has no " + (binary ? "text " : "") + "key " + ref.getKey());
        }
        return checked(ref.getName() + "/" + ref.getKey(), text);
    }

    private static Result checked(String name, String text) {
        if (text.isBlank()) {
            return Result.fail(INVALID_SPEC, name + " is empty");
        }
        int size = text.getBytes(StandardCharsets.UTF_8).length;
        if (size > PolicySource.MAX_BYTES) {
            return Result.fail(INVALID_SPEC, name + " is " + size + " bytes; the limit is " + PolicySource.MAX_BYTES);
        }
        return Result.ok(ResolvedSource.of(name, text));
    }
}
