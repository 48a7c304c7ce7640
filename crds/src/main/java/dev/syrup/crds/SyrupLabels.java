package dev.syrup.crds;

/** Names shared by the operator, the agent and the chart: annotations, labels and finalizers. */
public final class SyrupLabels {
    /** Pod annotation naming the SchedulingPolicy (same namespace) the pod opts in to. */
    public static final String POLICY_ANNOTATION = "syrup.dev/policy";
    /** On a SchedulingPolicyNode: the policy it belongs to. */
    public static final String POLICY_LABEL = "syrup.dev/policy";
    /** On a SchedulingPolicyNode: the node whose agent acts on it. */
    public static final String NODE_LABEL = "syrup.dev/node";
    /** Held by the operator on a SchedulingPolicy until every node object is gone. */
    public static final String POLICY_FINALIZER = "syrup.dev/cleanup";
    /** Held by a node's agent on its SchedulingPolicyNode until it has detached the policy. */
    public static final String AGENT_FINALIZER = "syrup.dev/agent-detach";

    private SyrupLabels() {}
}
