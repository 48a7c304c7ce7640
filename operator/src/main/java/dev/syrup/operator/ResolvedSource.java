package dev.syrup.operator;

import dev.syrup.policy.PolicySource;

/**
 * A policy's C source as read from the spec or its ConfigMap. name is what messages call the file: the
 * policy's name + ".c" for an inline source, "configmap/key" for a ConfigMap source.
 */
public record ResolvedSource(String name, String text, String sha256) {
    public static ResolvedSource of(String name, String text) {
        return new ResolvedSource(name, text, Hashes.sha256(text));
    }

    public PolicySource toPolicySource() { return PolicySource.of(name, text); }
}
