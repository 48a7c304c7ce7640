package dev.syrup.crds.v1alpha1;

/**
 * Why a policy itself failed: the reasons the agent writes into a SchedulingPolicyNode's status and
 * the operator into the policy's conditions, shared so both sides name a failure the same way.
 */
public final class PolicyReasons {
    /** clang rejected the policy. */
    public static final String COMPILE_FAILED = "CompileFailed";
    /** The kernel's verifier rejected the policy's program. */
    public static final String VERIFIER_REJECTED = "VerifierRejected";
    /** The policy asks for more than scheduling its own inputs (a file, helper, program or map it may not have). */
    public static final String POLICY_FORBIDDEN = "PolicyForbidden";
    /** The policy cannot be loaded for another reason (e.g. a map the kernel cannot create). */
    public static final String POLICY_REJECTED = "PolicyRejected";
    /** The compiler could not run (missing, or its sandbox could not be set up). */
    public static final String COMPILER_UNAVAILABLE = "CompilerUnavailable";

    private PolicyReasons() {}
}
