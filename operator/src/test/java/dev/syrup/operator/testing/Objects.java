package dev.syrup.operator.testing;

import dev.syrup.crds.SyrupLabels;
import dev.syrup.crds.v1alpha1.HookType;
import dev.syrup.crds.v1alpha1.PolicyHook;
import dev.syrup.crds.v1alpha1.SchedulingPolicy;
import dev.syrup.crds.v1alpha1.SchedulingPolicySpec;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.util.List;
import java.util.Map;

/** Nodes, pods and policies as tests create them (no kubelet or scheduler: pods are bound by spec.nodeName). */
public final class Objects {
    public static final String ROUND_ROBIN = """
            #include "syrup.h"

            static uint32_t next;

            uint32_t schedule(void *pkt_start, void *pkt_end)
            {
            	return syrup_fetch_add(&next, 1) % syrup_executors();
            }
            """;

    private Objects() {}

    public static Node node(KubernetesClient c, String name) {
        return c.nodes().resource(new NodeBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
    }

    public static Pod pod(KubernetesClient c, String ns, String name, String node, Map<String, String> labels, String policy) {
        Pod p = new PodBuilder()
                .withMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).withLabels(labels)
                        .withAnnotations(policy == null ? null : Map.of(SyrupLabels.POLICY_ANNOTATION, policy)).build())
                .withNewSpec().withNodeName(node).addNewContainer().withName("app").withImage("example.invalid/app:1").endContainer()
                .endSpec().build();
        return c.pods().inNamespace(ns).resource(p).create();
    }

    public static Pod annotatedPod(KubernetesClient c, String ns, String name, String node, String policy) {
        return pod(c, ns, name, node, null, policy);
    }

    public static SchedulingPolicy policy(String ns, String name, String source) {
        SchedulingPolicy p = new SchedulingPolicy();
        p.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
        SchedulingPolicySpec spec = new SchedulingPolicySpec();
        spec.setSource(source);
        spec.setHooks(List.of(new PolicyHook(HookType.SOCKET_SELECT, 9000)));
        p.setSpec(spec);
        return p;
    }

    public static SchedulingPolicy create(KubernetesClient c, SchedulingPolicy p) {
        return c.resources(SchedulingPolicy.class).inNamespace(p.getMetadata().getNamespace()).resource(p).create();
    }
}
