package dev.syrup.operator;

import dev.syrup.crds.SyrupLabels;
import dev.syrup.crds.v1alpha1.SchedulingPolicy;
import dev.syrup.crds.v1alpha1.SchedulingPolicyNode;
import dev.syrup.crds.v1alpha1.SchedulingPolicyNodeSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The SchedulingPolicyNode objects a policy should have: what the operator owns of them (labels, owner, spec). */
public final class NodeObjects {
    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    private NodeObjects() {}

    /** The object for the policy's pods on one node, as the operator applies it. */
    public static SchedulingPolicyNode desired(SchedulingPolicy policy, ResolvedSource source, String node, List<Pod> pods) {
        String name = policy.getMetadata().getName();
        SchedulingPolicyNodeSpec spec = new SchedulingPolicyNodeSpec();
        spec.setPolicy(name);
        spec.setNodeName(node);
        spec.setPolicyGeneration(policy.getMetadata().getGeneration());
        spec.setSource(source.text());
        spec.setSourceHash(source.sha256());
        spec.setHooks(new ArrayList<>(policy.getSpec().getHooks()));
        spec.setMaps(policy.getSpec().getMaps());
        spec.setPods(pods.stream().sorted(Comparator.comparing(p -> p.getMetadata().getName()))
                .map(p -> new SchedulingPolicyNodeSpec.PodRef(p.getMetadata().getName(), p.getMetadata().getUid())).toList());

        SchedulingPolicyNode o = new SchedulingPolicyNode();
        o.setMetadata(new ObjectMetaBuilder()
                .withName(NodeObjectNames.objectName(name, node))
                .withNamespace(policy.getMetadata().getNamespace())
                .withLabels(Map.of(SyrupLabels.POLICY_LABEL, NodeObjectNames.labelValue(name),
                        SyrupLabels.NODE_LABEL, NodeObjectNames.labelValue(node)))
                .withOwnerReferences(new OwnerReferenceBuilder()
                        .withApiVersion(policy.getApiVersion()).withKind(policy.getKind())
                        .withName(name).withUid(policy.getMetadata().getUid())
                        .withController(true).withBlockOwnerDeletion(true).build())
                .build());
        o.setSpec(spec);
        return o;
    }

    /** Whether existing already has what desired sets: same spec, our labels, the policy as controller. */
    public static boolean upToDate(SchedulingPolicyNode existing, SchedulingPolicyNode desired) {
        Map<String, String> labels = existing.getMetadata().getLabels() == null ? Map.of() : existing.getMetadata().getLabels();
        boolean labelsOk = desired.getMetadata().getLabels().entrySet().stream()
                .allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
        String uid = desired.getMetadata().getOwnerReferences().get(0).getUid();
        boolean ownerOk = existing.getMetadata().getOwnerReferences() != null && existing.getMetadata().getOwnerReferences().stream()
                .anyMatch(r -> uid.equals(r.getUid()) && Boolean.TRUE.equals(r.getController()));
        return labelsOk && ownerOk && Objects.equals(JSON.convertValue(existing.getSpec(), Map.class),
                JSON.convertValue(desired.getSpec(), Map.class));
    }

    public static boolean isDeleting(SchedulingPolicyNode o) {
        return o.getMetadata().getDeletionTimestamp() != null;
    }

    public static boolean hasAgentFinalizer(SchedulingPolicyNode o) {
        return o.getMetadata().getFinalizers() != null && o.getMetadata().getFinalizers().contains(SyrupLabels.AGENT_FINALIZER);
    }
}
