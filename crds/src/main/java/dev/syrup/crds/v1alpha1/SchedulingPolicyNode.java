package dev.syrup.crds.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * What one node's agent must do for one policy: one object per policy per node that runs selected pods,
 * in the policy's namespace and owned by it. The operator writes the spec, that node's agent the status.
 */
@Group(SchedulingPolicy.GROUP)
@Version(SchedulingPolicy.VERSION)
@ShortNames("spoln")
@AdditionalPrinterColumn(name = "Policy", jsonPath = ".spec.policy")
@AdditionalPrinterColumn(name = "Node", jsonPath = ".spec.nodeName")
@AdditionalPrinterColumn(name = "Pods", jsonPath = ".status.selectedPods", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Attached", jsonPath = ".status.attachedPods", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Failed", jsonPath = ".status.failedPods", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class SchedulingPolicyNode extends CustomResource<SchedulingPolicyNodeSpec, SchedulingPolicyNodeStatus>
        implements Namespaced {
}
