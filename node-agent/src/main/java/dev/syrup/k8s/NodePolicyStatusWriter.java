package dev.syrup.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.syrup.crds.SyrupLabels;
import dev.syrup.crds.v1alpha1.SchedulingPolicyNode;
import dev.syrup.crds.v1alpha1.SchedulingPolicyNodeStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Writes what the agent did to a SchedulingPolicyNode: its status (status subresource, JSON merge
 * patch, only when it changed) and the agent's finalizer (merge patch of the finalizers, guarded by
 * the object's resourceVersion so a concurrent change is never overwritten).
 */
final class NodePolicyStatusWriter implements NodeObjectReconciler.StatusWriter {
    private final KubernetesClient client;
    private final ObjectMapper json;

    NodePolicyStatusWriter(KubernetesClient client) {
        this.client = client;
        this.json = new ObjectMapper();
    }

    /** Patches status unless the object already has it; true if it wrote. */
    @Override
    public boolean write(SchedulingPolicyNode obj, SchedulingPolicyNodeStatus status) {
        JsonNode wanted = json.valueToTree(status);
        if (obj.getStatus() != null && wanted.equals(json.valueToTree(obj.getStatus()))) {
            return false;
        }
        ObjectNode s = (ObjectNode) wanted;
        // A merge patch keeps fields it does not mention: clear the ones that no longer apply.
        for (String field : List.of("reason", "message", "threadBackend", "policyGeneration")) {
            if (!s.has(field)) {
                s.putNull(field);
            }
        }
        ObjectNode patch = json.createObjectNode();
        patch.set("status", s);
        client.resources(SchedulingPolicyNode.class).inNamespace(obj.getMetadata().getNamespace())
                .withName(obj.getMetadata().getName()).subresource("status")
                .patch(PatchContext.of(PatchType.JSON_MERGE), patch.toString());
        return true;
    }

    static boolean hasFinalizer(SchedulingPolicyNode obj) {
        return obj.getMetadata().getFinalizers() != null
                && obj.getMetadata().getFinalizers().contains(SyrupLabels.AGENT_FINALIZER);
    }

    @Override
    public void addFinalizer(SchedulingPolicyNode obj) {
        List<String> f = new ArrayList<>(Objects.requireNonNullElse(obj.getMetadata().getFinalizers(), List.of()));
        f.add(SyrupLabels.AGENT_FINALIZER);
        patchFinalizers(obj, f);
    }

    @Override
    public void removeFinalizer(SchedulingPolicyNode obj) {
        List<String> f = new ArrayList<>(Objects.requireNonNullElse(obj.getMetadata().getFinalizers(), List.of()));
        f.removeIf(SyrupLabels.AGENT_FINALIZER::equals);
        patchFinalizers(obj, f);
    }

    private void patchFinalizers(SchedulingPolicyNode obj, List<String> finalizers) {
        ObjectNode meta = json.createObjectNode();
        meta.set("finalizers", json.valueToTree(finalizers));
        meta.put("resourceVersion", obj.getMetadata().getResourceVersion());
        ObjectNode patch = json.createObjectNode();
        patch.set("metadata", meta);
        client.resources(SchedulingPolicyNode.class).inNamespace(obj.getMetadata().getNamespace())
                .withName(obj.getMetadata().getName())
                .patch(PatchContext.of(PatchType.JSON_MERGE), patch.toString());
    }
}
