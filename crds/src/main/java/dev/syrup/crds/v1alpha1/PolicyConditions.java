package dev.syrup.crds.v1alpha1;

/** Condition types and reasons of SchedulingPolicy status, following Kubernetes conventions. */
public final class PolicyConditions {
    /** The spec is valid and its source could be read. */
    public static final String ACCEPTED = "Accepted";
    /** The source compiles at every hook it names. */
    public static final String COMPILED = "Compiled";
    /** Every selected pod has the policy attached at every hook. */
    public static final String READY = "Ready";
    /** Some selected pods could not be attached. */
    public static final String DEGRADED = "Degraded";

    public static final String TRUE = "True";
    public static final String FALSE = "False";
    public static final String UNKNOWN = "Unknown";

    private PolicyConditions() {}
}
