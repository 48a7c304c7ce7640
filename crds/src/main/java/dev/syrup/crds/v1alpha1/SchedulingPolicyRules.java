package dev.syrup.crds.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * The cluster administrator's rules for SchedulingPolicies: which namespaces may use which hook types, and how
 * many policies and how much map memory a namespace may have. Cluster-scoped, one object named "default" (the
 * chart installs it from its tenancy values); without it the operator applies the same built-in defaults:
 * socket-select in every namespace, xdp-cpu and thread in none, no limits.
 */
@Group(SchedulingPolicy.GROUP)
@Version(SchedulingPolicy.VERSION)
@ShortNames("spolrules")
@ValidationRule(value = "self.metadata.name == 'default'",
        message = "there is one SchedulingPolicyRules object and it is named default")
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class SchedulingPolicyRules extends CustomResource<SchedulingPolicyRulesSpec, SchedulingPolicyRulesStatus> {
    /** The name of the one object the operator reads. */
    public static final String NAME = "default";
}
