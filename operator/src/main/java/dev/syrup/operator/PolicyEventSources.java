package dev.syrup.operator;

import dev.syrup.crds.SyrupLabels;
import dev.syrup.crds.v1alpha1.SchedulingPolicy;
import dev.syrup.crds.v1alpha1.SchedulingPolicyNode;
import dev.syrup.crds.v1alpha1.SchedulingPolicyRules;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.TransformingItemStore;

import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The informers a policy's reconcile reads, and how their events find the policies they concern:
 * pods (annotation, podSelector, or selected at the last reconcile; bursts coalesced by PodBursts), ConfigMaps
 * (named by sourceFrom), Nodes (added or deleted where a policy has pods or node objects), the node objects (owner
 * reference; not the events of the operator's own writes), the cluster's SchedulingPolicyRules (every policy),
 * namespace labels (that namespace's policies) and the policies of the same namespace (PeerPolicies, fired by the
 * reconciler).
 */
final class PolicyEventSources {
    final InformerEventSource<Pod, SchedulingPolicy> pods;
    final InformerEventSource<ConfigMap, SchedulingPolicy> configMaps;
    final InformerEventSource<Node, SchedulingPolicy> nodes;
    final InformerEventSource<SchedulingPolicyNode, SchedulingPolicy> nodeObjects;
    final InformerEventSource<SchedulingPolicyRules, SchedulingPolicy> rules;
    final InformerEventSource<Namespace, SchedulingPolicy> namespaces;
    final PeerPolicies peers = new PeerPolicies();
    final PodBursts podBursts;

    PolicyEventSources(EventSourceContext<SchedulingPolicy> ctx, SelectionIndex index, OperatorConfig.PodBursts bursts,
                       NodeObjectWriter writer) {
        var policies = ctx.getPrimaryCache();
        podBursts = new PodBursts(bursts.quiet(), bursts.spacing());
        pods = new InformerEventSource<>(InformerEventSourceConfiguration.from(Pod.class, SchedulingPolicy.class)
                .withName("pods")
                .withNamespacesInheritedFromController()
                .withItemStore(new TransformingItemStore<>(PolicyEventSources::prune))
                .withOnUpdateFilter((now, before) -> relevantChange(now, before))
                .withPrimaryToSecondaryMapper(p -> Set.of())
                .withSecondaryToPrimaryMapper(pod -> {
                    String ns = pod.getMetadata().getNamespace();
                    Set<ResourceID> ids = new HashSet<>(index.policiesOfPod(SelectionIndex.podKey(ns, pod.getMetadata().getName())));
                    policies.list(ns, p -> PodSelection.selects(p, pod)).forEach(p -> ids.add(ResourceID.fromResource(p)));
                    return podBursts.admit(ids); // the others are reconciled a little later, with the rest of the burst
                })
                .build(), ctx);
        configMaps = new InformerEventSource<>(InformerEventSourceConfiguration.from(ConfigMap.class, SchedulingPolicy.class)
                .withName("configmaps")
                .withNamespacesInheritedFromController()
                .withPrimaryToSecondaryMapper(p -> Set.of())
                .withSecondaryToPrimaryMapper(cm -> {
                    Set<ResourceID> ids = new HashSet<>();
                    policies.list(cm.getMetadata().getNamespace(), p -> cm.getMetadata().getName().equals(configMapOf(p)))
                            .forEach(p -> ids.add(ResourceID.fromResource(p)));
                    return ids;
                })
                .build(), ctx);
        nodes = new InformerEventSource<>(InformerEventSourceConfiguration.from(Node.class, SchedulingPolicy.class)
                .withName("nodes")
                .withWatchAllNamespaces()
                .withFollowControllerNamespacesChanges(false)
                .withItemStore(new TransformingItemStore<>(n -> {
                    Node kept = new Node();
                    kept.setMetadata(new ObjectMetaBuilder().withUid(n.getMetadata().getUid()).build());
                    return kept;
                }))
                .withOnUpdateFilter((now, before) -> false) // heartbeats and status: only existence matters
                .withPrimaryToSecondaryMapper(p -> Set.of())
                .withSecondaryToPrimaryMapper(n -> index.policiesOnNode(n.getMetadata().getName()))
                .build(), ctx);
        nodeObjects = new InformerEventSource<>(InformerEventSourceConfiguration.from(SchedulingPolicyNode.class, SchedulingPolicy.class)
                .withName("nodeobjects")
                .withNamespacesInheritedFromController()
                .withLabelSelector(SyrupLabels.POLICY_LABEL)
                .withOnAddFilter(o -> !writer.isOwnWrite(o))
                .withOnUpdateFilter((now, before) -> !writer.isOwnWrite(now))
                .withOnDeleteFilter((o, unknown) -> {
                    writer.forget(o);
                    return true;
                })
                .build(), ctx);
        // The administrator's rules: any change may admit or refuse any policy.
        rules = new InformerEventSource<>(InformerEventSourceConfiguration.from(SchedulingPolicyRules.class, SchedulingPolicy.class)
                .withName("rules")
                .withWatchAllNamespaces()
                .withFollowControllerNamespacesChanges(false)
                .withOnUpdateFilter((now, before) -> !Objects.equals(now.getMetadata().getGeneration(), before.getMetadata().getGeneration()))
                .withPrimaryToSecondaryMapper(p -> Set.of())
                .withSecondaryToPrimaryMapper(r -> SchedulingPolicyRules.NAME.equals(r.getMetadata().getName())
                        ? policies.list(p -> true).map(ResourceID::fromResource).collect(Collectors.toSet()) : Set.of())
                .build(), ctx);
        // Namespace labels, which the rules' namespaceSelectors match: a change concerns that namespace's policies.
        namespaces = new InformerEventSource<>(InformerEventSourceConfiguration.from(Namespace.class, SchedulingPolicy.class)
                .withName("namespaces")
                .withWatchAllNamespaces()
                .withFollowControllerNamespacesChanges(false)
                .withItemStore(new TransformingItemStore<>(n -> {
                    Namespace kept = new Namespace();
                    kept.setMetadata(new ObjectMetaBuilder().withName(n.getMetadata().getName())
                            .withResourceVersion(n.getMetadata().getResourceVersion()).withLabels(n.getMetadata().getLabels()).build());
                    return kept;
                }))
                .withOnAddFilter(n -> false) // a new namespace has no policies yet
                .withOnUpdateFilter((now, before) -> !Objects.equals(now.getMetadata().getLabels(), before.getMetadata().getLabels()))
                .withPrimaryToSecondaryMapper(p -> Set.of())
                .withSecondaryToPrimaryMapper(n -> policies.list(n.getMetadata().getName(), p -> true)
                        .map(ResourceID::fromResource).collect(Collectors.toSet()))
                .build(), ctx);
    }

    /** The labels of a namespace (empty if unknown). */
    Map<String, String> namespaceLabels(String namespace) {
        return namespaces.get(new ResourceID(namespace)).map(n -> n.getMetadata().getLabels()).filter(Objects::nonNull).orElse(Map.of());
    }

    /** The cluster's rules: the object "default", or the built-in defaults. */
    TenancyRules tenancyRules() {
        return TenancyRules.of(rules.get(new ResourceID(SchedulingPolicyRules.NAME)).orElse(null));
    }

    static String configMapOf(SchedulingPolicy p) {
        var from = p.getSpec() == null ? null : p.getSpec().getSourceFrom();
        return from == null || from.getConfigMapKeyRef() == null ? null : from.getConfigMapKeyRef().getName();
    }

    /** What the cache keeps of a pod: identity, labels, the policy annotation, node, phase, deletion. */
    static Pod prune(Pod p) {
        var m = p.getMetadata();
        String policy = m.getAnnotations() == null ? null : m.getAnnotations().get(SyrupLabels.POLICY_ANNOTATION);
        return new PodBuilder()
                .withMetadata(new ObjectMetaBuilder().withName(m.getName()).withNamespace(m.getNamespace()).withUid(m.getUid())
                        .withResourceVersion(m.getResourceVersion()).withLabels(m.getLabels())
                        .withAnnotations(policy == null ? null : Map.of(SyrupLabels.POLICY_ANNOTATION, policy))
                        .withDeletionTimestamp(m.getDeletionTimestamp()).build())
                .withNewSpec().withNodeName(p.getSpec() == null ? null : p.getSpec().getNodeName()).endSpec()
                .withNewStatus().withPhase(p.getStatus() == null ? null : p.getStatus().getPhase()).endStatus()
                .build();
    }

    /** Whether an update changes what selection depends on (the old pod is the pruned, cached one). */
    static boolean relevantChange(Pod now, Pod before) {
        Pod a = prune(now);
        Pod b = before;
        return !Objects.equals(a.getMetadata().getLabels(), b.getMetadata().getLabels())
                || !Objects.equals(a.getMetadata().getAnnotations(), b.getMetadata().getAnnotations())
                || !Objects.equals(a.getMetadata().getDeletionTimestamp(), b.getMetadata().getDeletionTimestamp())
                || !Objects.equals(a.getMetadata().getUid(), b.getMetadata().getUid())
                || !Objects.equals(a.getSpec().getNodeName(), b.getSpec() == null ? null : b.getSpec().getNodeName())
                || !Objects.equals(a.getStatus().getPhase(), b.getStatus() == null ? null : b.getStatus().getPhase());
    }
}
