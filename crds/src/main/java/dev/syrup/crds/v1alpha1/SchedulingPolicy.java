package dev.syrup.crds.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A scheduling policy: C source plus the hooks to deploy it at, for the pods of its namespace that opt in
 * (annotation syrup.dev/policy) or that its podSelector selects.
 */
@Group(SchedulingPolicy.GROUP)
@Version(SchedulingPolicy.VERSION)
@ShortNames("spol")
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
@AdditionalPrinterColumn(name = "Reason", jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason")
@AdditionalPrinterColumn(name = "Selected", jsonPath = ".status.selectedPods", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Attached", jsonPath = ".status.attachedPods", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Failed", jsonPath = ".status.failedPods", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class SchedulingPolicy extends CustomResource<SchedulingPolicySpec, SchedulingPolicyStatus> implements Namespaced {
    public static final String GROUP = "syrup.dev";
    public static final String VERSION = "v1alpha1";
}
