package dev.syrup.operator;

import dev.syrup.crds.v1alpha1.HookAccess;
import dev.syrup.crds.v1alpha1.HookAccessRules;
import dev.syrup.crds.v1alpha1.HookType;
import dev.syrup.crds.v1alpha1.NamespaceLimits;
import dev.syrup.crds.v1alpha1.PolicyHook;
import dev.syrup.crds.v1alpha1.SchedulingPolicy;
import dev.syrup.crds.v1alpha1.SchedulingPolicyRules;
import dev.syrup.crds.v1alpha1.SchedulingPolicyRulesSpec;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The admission rules as pure logic; TenancyRulesIT runs the same path in the operator on a real API server. */
class PolicyAdmissionTest {
    @Test
    void withoutRulesOnlySocketSelectIsAllowed() {
        TenancyRules none = TenancyRules.of(null);
        assertThat(none.hookAllowed(HookType.SOCKET_SELECT, "a", Map.of())).isTrue();
        assertThat(none.hookAllowed(HookType.XDP_CPU, "a", Map.of())).isFalse();
        assertThat(none.hookAllowed(HookType.XDP_SOCKET, "a", Map.of())).isFalse();
        assertThat(none.hookAllowed(HookType.THREAD, "a", Map.of())).isFalse();
        assertThat(none.hasLimits("a")).isFalse();
        assertThat(none.hookRefusal(HookType.THREAD, "a")).contains("there is no such object");
    }

    @Test
    void namesSelectorsAndAllNamespacesAdmitAndAnEmptySelectorAdmitsNobody() {
        TenancyRules r = rules(new HookAccessRules(new HookAccess(false, null, null),
                new HookAccess(null, List.of("net"), new LabelSelectorBuilder().addToMatchLabels("xdp", "yes").build()),
                new HookAccess(null, null, new LabelSelectorBuilder().build())), null);
        assertThat(r.hookAllowed(HookType.SOCKET_SELECT, "a", Map.of())).as("socket-select turned off").isFalse();
        assertThat(r.hookAllowed(HookType.XDP_CPU, "net", Map.of())).isTrue();
        assertThat(r.hookAllowed(HookType.XDP_CPU, "b", Map.of("xdp", "yes"))).isTrue();
        assertThat(r.hookAllowed(HookType.XDP_CPU, "b", Map.of("xdp", "no"))).isFalse();
        assertThat(r.hookAllowed(HookType.THREAD, "b", Map.of("any", "thing"))).isFalse();
        assertThat(r.hookRefusal(HookType.XDP_CPU, "b")).isEqualTo("namespace b may not use the xdp-cpu hook: "
                + "SchedulingPolicyRules \"default\" (spec.hooks.xdp-cpu) allows it in namespaces net and namespaces labelled xdp=yes");
    }

    @Test
    void limitsFillInOrderOfAgeAndSkipPoliciesWhoseHooksAreRefused() {
        NamespaceLimits limits = new NamespaceLimits(2, 1000L);
        limits.setOverrides(List.of(new NamespaceLimits.Override("big", 10, null)));
        TenancyRules r = rules(null, limits);
        SchedulingPolicy a = policy("a", "2024-01-01T00:00:00Z", HookType.SOCKET_SELECT);
        SchedulingPolicy t = policy("t", "2024-01-01T00:00:01Z", HookType.THREAD); // refused: takes no share
        SchedulingPolicy b = policy("b", "2024-01-01T00:00:02Z", HookType.SOCKET_SELECT);
        SchedulingPolicy c = policy("c", "2024-01-01T00:00:02Z", HookType.SOCKET_SELECT); // same second: by name
        List<SchedulingPolicy> all = List.of(c, t, b, a);
        Map<String, Long> bytes = Map.of("a", 100L, "t", 5000L, "b", 800L, "c", 10L);

        assertThat(PolicyAdmission.limits(a, all, r, Map.of(), p -> bytes.get(p.getMetadata().getName())).admitted()).isTrue();
        assertThat(PolicyAdmission.limits(b, all, r, Map.of(), p -> bytes.get(p.getMetadata().getName())).admitted()).isTrue();
        PolicyAdmission.Verdict third = PolicyAdmission.limits(c, all, r, Map.of(), p -> bytes.get(p.getMetadata().getName()));
        assertThat(third.reason()).isEqualTo(PolicyAdmission.LIMIT_EXCEEDED);
        assertThat(third.message()).isEqualTo("namespace ns may have 2 SchedulingPolicies "
                + "(SchedulingPolicyRules \"default\", spec.limits.policies) and older ones hold them: a, b");

        // Map bytes: b does not fit beside a once a is larger.
        Map<String, Long> larger = Map.of("a", 300L, "t", 0L, "b", 800L, "c", 10L);
        PolicyAdmission.Verdict tooBig = PolicyAdmission.limits(b, all, r, Map.of(), p -> larger.get(p.getMetadata().getName()));
        assertThat(tooBig.message()).isEqualTo("the policy's maps take 800 bytes; namespace ns may have 1000 bytes of maps "
                + "(SchedulingPolicyRules \"default\", spec.limits.mapBytes) and its older policies take 300");
        assertThat(PolicyAdmission.limits(c, all, r, Map.of(), p -> larger.get(p.getMetadata().getName())).admitted())
                .as("b refused for its size leaves the second slot to c").isTrue();
        TenancyRules bytesOnly = rules(null, new NamespaceLimits(null, 1000L));
        assertThat(PolicyAdmission.limits(c, all, bytesOnly, Map.of(), p -> p == c ? PolicyAdmission.UNKNOWN : 1L).message())
                .contains("could not be measured");
    }

    private static TenancyRules rules(HookAccessRules hooks, NamespaceLimits limits) {
        SchedulingPolicyRules o = new SchedulingPolicyRules();
        o.setMetadata(new ObjectMetaBuilder().withName("default").build());
        SchedulingPolicyRulesSpec spec = new SchedulingPolicyRulesSpec();
        spec.setHooks(hooks);
        spec.setLimits(limits);
        o.setSpec(spec);
        return TenancyRules.of(o);
    }

    private static SchedulingPolicy policy(String name, String created, HookType hook) {
        SchedulingPolicy p = dev.syrup.operator.testing.Objects.policy("ns", name, "");
        p.getMetadata().setCreationTimestamp(created);
        p.getSpec().setHooks(List.of(new PolicyHook(hook, hook == HookType.THREAD ? null : 80)));
        return p;
    }
}
