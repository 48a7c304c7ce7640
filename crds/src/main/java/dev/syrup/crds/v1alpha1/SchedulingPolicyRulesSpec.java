package dev.syrup.crds.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** What the administrator allows: hook types by namespace, and per-namespace limits. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SchedulingPolicyRulesSpec {
    @JsonPropertyDescription("Which namespaces may use each hook type; a hook type left out keeps its default "
            + "(socket-select: every namespace; xdp-cpu, thread: none).")
    private HookAccessRules hooks;

    @JsonPropertyDescription("How many policies and how much map memory each namespace may have; unset: no limit.")
    private NamespaceLimits limits;

    public HookAccessRules getHooks() { return hooks; }
    public void setHooks(HookAccessRules hooks) { this.hooks = hooks; }
    public NamespaceLimits getLimits() { return limits; }
    public void setLimits(NamespaceLimits limits) { this.limits = limits; }
}
