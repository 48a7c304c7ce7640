package dev.syrup.operator;

import dev.syrup.crds.SyrupLabels;
import dev.syrup.crds.v1alpha1.PolicyConditions;
import dev.syrup.crds.v1alpha1.SchedulingPolicy;
import dev.syrup.crds.v1alpha1.SchedulingPolicyNode;
import dev.syrup.crds.v1alpha1.SchedulingPolicyRules;
import dev.syrup.crds.v1alpha1.SchedulingPolicyStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Reconciles a SchedulingPolicy: validates it and reads its source, compile-checks it once per content, fans
 * it out to one SchedulingPolicyNode per node that runs selected pods, and aggregates what the agents report
 * into the policy's status. A policy that is invalid or does not compile leaves its node objects as they are
 * (nodes keep running what they ran); one the administrator's rules refuse (PolicyAdmission) loses them. On deletion its node objects are deleted and the policy keeps its
 * finalizer until every agent has let go of its node object.
 */
@ControllerConfiguration(name = SchedulingPolicyReconciler.NAME, finalizerName = SyrupLabels.POLICY_FINALIZER)
public class SchedulingPolicyReconciler implements Reconciler<SchedulingPolicy>, Cleaner<SchedulingPolicy> {
    public static final String NAME = "schedulingpolicy";
    private static final Logger LOG = Logger.getLogger(SchedulingPolicyReconciler.class);
    private static final KubernetesSerialization JSON = new KubernetesSerialization();
    private static final long CLEANUP_RECHECK_MS = 10_000;

    private final CompileCheck compileCheck;
    private final NodeObjectWriter writer;
    private final PolicyEvents events;
    private final OperatorMetrics metrics;
    private final SelectionIndex index;
    private final RulesStatus rulesStatus;
    private final OperatorConfig config;
    private final Clock clock = Clock.systemUTC();
    private volatile PolicyEventSources sources;

    public SchedulingPolicyReconciler(CompileCheck compileCheck, NodeObjectWriter writer, PolicyEvents events,
                                      OperatorMetrics metrics, SelectionIndex index, RulesStatus rulesStatus, OperatorConfig config) {
        this.rulesStatus = rulesStatus;
        this.config = config;
        this.compileCheck = compileCheck;
        this.writer = writer;
        this.events = events;
        this.metrics = metrics;
        this.index = index;
    }

    @Override
    public List<EventSource<?, SchedulingPolicy>> prepareEventSources(EventSourceContext<SchedulingPolicy> context) {
        PolicyEventSources s = new PolicyEventSources(context, index, config.podBursts(), writer);
        sources = s;
        metrics.countNodeObjectsWith(() -> s.nodeObjects.list(o -> true).count());
        return List.of(s.pods, s.configMaps, s.nodes, s.nodeObjects, s.rules, s.namespaces, s.peers, s.podBursts);
    }

    @Override
    public UpdateControl<SchedulingPolicy> reconcile(SchedulingPolicy policy, Context<SchedulingPolicy> context) {
        ResourceID id = ResourceID.fromResource(policy);
        sources.podBursts.started(id);
        try {
            return reconcile(policy, context, id);
        } finally {
            sources.podBursts.finished(id);
        }
    }

    private UpdateControl<SchedulingPolicy> reconcile(SchedulingPolicy policy, Context<SchedulingPolicy> context, ResourceID id) {
        PolicyEventSources s = sources;
        String ns = policy.getMetadata().getNamespace();

        // What the operator can judge itself: the spec, the administrator's rules, the source, whether it compiles.
        TenancyRules rules = s.tenancyRules();
        rulesStatus.observed(s.rules.get(new ResourceID(SchedulingPolicyRules.NAME)).orElse(null));
        Map<String, String> nsLabels = s.namespaceLabels(ns);
        String selectorProblem = PodSelection.validate(policy.getSpec().getPodSelector(), ns);
        PolicyAdmission.Verdict hooks = PolicyAdmission.hooks(policy, rules, nsLabels);
        SourceResolver.Result source = selectorProblem != null
                ? new SourceResolver.Result(null, SourceResolver.INVALID_SPEC, selectorProblem)
                : !hooks.admitted() ? new SourceResolver.Result(null, hooks.reason(), hooks.message())
                : SourceResolver.resolve(policy, name -> s.configMaps.get(new ResourceID(name, ns)));
        CompileCheck.Result compile = source.ok() ? compileCheck.check(source.source(), policy.getSpec().getHooks()) : null;
        PolicyAdmission.Verdict limits = compile != null && compile.ok()
                ? PolicyAdmission.limits(policy, context.getPrimaryCache().list(ns).toList(), rules, nsLabels, this::mapBytes)
                : PolicyAdmission.ADMITTED;
        boolean refused = !hooks.admitted() || !limits.admitted();
        var verdict = limits.admitted()
                ? new StatusAggregator.Verdict(source.ok(), source.reason(), source.message(), compile)
                : new StatusAggregator.Verdict(false, limits.reason(), limits.message(), compile);

        // Which pods, on which (existing) nodes.
        List<Pod> selected = s.pods.list(ns, p -> PodSelection.selects(policy, p)).toList();
        Map<String, List<Pod>> targets = new TreeMap<>(selected.stream().filter(PodSelection::isActive)
                .filter(p -> nodeExists(p.getSpec().getNodeName()))
                .collect(Collectors.groupingBy(p -> p.getSpec().getNodeName())));
        Map<String, SchedulingPolicyNode> existing = new HashMap<>();
        context.getSecondaryResources(SchedulingPolicyNode.class).forEach(o -> existing.put(o.getSpec().getNodeName(), o));

        Map<String, SchedulingPolicyNode> current = existing;
        if (refused) {
            // The administrator's rules refuse it: nothing of it stays on the nodes.
            NodeObjectWriter.Outcome out = writer.sync(Map.of(), existing, this::nodeExists, s.nodeObjects);
            current = out.current();
            if (!out.deleted().isEmpty()) {
                events.emit(policy, PolicyEvents.WARNING, "NodeObjectsDeleted", "Delete", "refused by the cluster's rules ("
                        + verdict.acceptReason() + "): removing its node objects on " + PolicyEvents.nodes(out.deleted()));
            }
        } else if (verdict.accepted() && verdict.compiled()) {
            Map<String, SchedulingPolicyNode> desired = new HashMap<>();
            targets.forEach((node, pods) -> desired.put(node, NodeObjects.desired(policy, source.source(), node, pods)));
            NodeObjectWriter.Outcome out = writer.sync(desired, existing, this::nodeExists, s.nodeObjects);
            current = out.current();
            announceNodeObjects(policy, out);
        }
        Set<String> nodes = new HashSet<>(existing.keySet());
        selected.forEach(p -> { if (p.getSpec().getNodeName() != null) nodes.add(p.getSpec().getNodeName()); });
        index.update(id, selected.stream().map(p -> SelectionIndex.podKey(ns, p.getMetadata().getName())).collect(Collectors.toSet()),
                nodes);

        if (rules.hasLimits(ns) && !Objects.equals(policy.getMetadata().getGeneration(),
                policy.getStatus() == null ? null : policy.getStatus().getObservedGeneration())) {
            sources.peers.reconcile(peersOf(policy, context)); // it takes a new share of the namespace's limits
        }
        SchedulingPolicyStatus status = StatusAggregator.compute(policy, verdict, targets, current, clock);
        announceTransitions(policy, policy.getStatus(), status);
        Condition ready = status.condition(PolicyConditions.READY);
        metrics.policyReady(key(policy), ready.getStatus());
        if (sameStatus(policy.getStatus(), status)) {
            return UpdateControl.noUpdate();
        }
        SchedulingPolicy patch = new SchedulingPolicy();
        patch.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(policy.getMetadata().getName())
                .withNamespace(ns).build());
        patch.setStatus(status);
        return UpdateControl.patchStatus(patch);
    }

    @Override
    public DeleteControl cleanup(SchedulingPolicy policy, Context<SchedulingPolicy> context) {
        if (sources.tenancyRules().hasLimits(policy.getMetadata().getNamespace())) {
            sources.peers.reconcile(peersOf(policy, context)); // being deleted, it holds no share of the limits
        }
        List<SchedulingPolicyNode> remaining = context.getSecondaryResources(SchedulingPolicyNode.class).stream().toList();
        List<String> deleted = writer.deleteAll(remaining, this::nodeExists);
        if (!deleted.isEmpty()) {
            events.emit(policy, PolicyEvents.NORMAL, "NodeObjectsDeleted", "Delete",
                    "policy deleted: removing its node objects on " + PolicyEvents.nodes(deleted));
        }
        if (!remaining.isEmpty()) {
            LOG.debugf("%s/%s: waiting for %d node objects to be released by their agents", policy.getMetadata().getNamespace(),
                    policy.getMetadata().getName(), remaining.size());
            return DeleteControl.noFinalizerRemoval().rescheduleAfter(CLEANUP_RECHECK_MS);
        }
        index.remove(ResourceID.fromResource(policy));
        sources.podBursts.forget(ResourceID.fromResource(policy));
        metrics.policyGone(key(policy));
        return DeleteControl.defaultDelete();
    }

    /** The other policies of the policy's namespace. */
    private static List<ResourceID> peersOf(SchedulingPolicy policy, Context<SchedulingPolicy> context) {
        return context.getPrimaryCache().list(policy.getMetadata().getNamespace())
                .filter(p -> !p.getMetadata().getName().equals(policy.getMetadata().getName()))
                .map(ResourceID::fromResource).toList();
    }

    /** What another policy's maps take, from its (cached) compile check; UNKNOWN if it does not compile. */
    private long mapBytes(SchedulingPolicy p) {
        String ns = p.getMetadata().getNamespace();
        if (PodSelection.validate(p.getSpec().getPodSelector(), ns) != null) {
            return PolicyAdmission.UNKNOWN;
        }
        SourceResolver.Result src = SourceResolver.resolve(p, name -> sources.configMaps.get(new ResourceID(name, ns)));
        if (!src.ok()) {
            return PolicyAdmission.UNKNOWN;
        }
        CompileCheck.Result r = compileCheck.check(src.source(), p.getSpec().getHooks());
        return r.ok() ? r.mapBytes() : PolicyAdmission.UNKNOWN;
    }

    private boolean nodeExists(String node) {
        return sources.nodes.get(new ResourceID(node)).isPresent();
    }

    private void announceNodeObjects(SchedulingPolicy policy, NodeObjectWriter.Outcome out) {
        if (!out.created().isEmpty()) {
            events.emit(policy, PolicyEvents.NORMAL, "NodeObjectsCreated", "Create",
                    "handed the policy to the agents of " + PolicyEvents.nodes(out.created()));
        }
        if (!out.deleted().isEmpty()) {
            events.emit(policy, PolicyEvents.NORMAL, "NodeObjectsDeleted", "Delete",
                    "no selected pods any more (or the node is gone) on " + PolicyEvents.nodes(out.deleted()));
        }
    }

    /** Events for condition changes: Compiled / CompileFailed, Ready / NotReady, a source that cannot be read. */
    private void announceTransitions(SchedulingPolicy policy, SchedulingPolicyStatus before, SchedulingPolicyStatus after) {
        List<Condition> old = before == null ? null : before.getConditions();
        Condition accepted = after.condition(PolicyConditions.ACCEPTED);
        if (changed(Conditions.find(old, PolicyConditions.ACCEPTED), accepted) && PolicyConditions.FALSE.equals(accepted.getStatus())) {
            events.emit(policy, PolicyEvents.WARNING, accepted.getReason(), "Validate", accepted.getMessage());
        }
        Condition compiled = after.condition(PolicyConditions.COMPILED);
        if (changed(Conditions.find(old, PolicyConditions.COMPILED), compiled)) {
            if (PolicyConditions.TRUE.equals(compiled.getStatus())) {
                events.emit(policy, PolicyEvents.NORMAL, "Compiled", "Compile", compiled.getMessage());
            } else if (PolicyConditions.FALSE.equals(compiled.getStatus())) {
                events.emit(policy, PolicyEvents.WARNING, compiled.getReason(), "Compile", compiled.getMessage());
            }
        }
        Condition ready = after.condition(PolicyConditions.READY);
        Condition wasReady = Conditions.find(old, PolicyConditions.READY);
        if (PolicyConditions.TRUE.equals(ready.getStatus()) && changed(wasReady, ready)) {
            events.emit(policy, PolicyEvents.NORMAL, "Ready", "Attach", ready.getMessage());
        } else if (PolicyConditions.FALSE.equals(ready.getStatus()) && isFailure(ready.getReason())
                && (wasReady == null || !ready.getReason().equals(wasReady.getReason()))) {
            events.emit(policy, PolicyEvents.WARNING, "NotReady", "Attach", ready.getReason() + ": " + ready.getMessage());
        } else if (wasReady != null && PolicyConditions.TRUE.equals(wasReady.getStatus()) && !PolicyConditions.TRUE.equals(ready.getStatus())) {
            events.emit(policy, PolicyEvents.NORMAL, "NotReady", "Attach", ready.getReason() + ": " + ready.getMessage());
        }
    }

    private static boolean isFailure(String reason) {
        return !PolicyAdmission.HOOK_NOT_ALLOWED.equals(reason) && !PolicyAdmission.LIMIT_EXCEEDED.equals(reason)
                && !StatusAggregator.PENDING.equals(reason) && !StatusAggregator.NO_PODS.equals(reason)
                && !CompileCheck.COMPILE_FAILED.equals(reason) && !SourceResolver.SOURCE_NOT_FOUND.equals(reason)
                && !SourceResolver.INVALID_SPEC.equals(reason) && !CompileCheck.COMPILER_UNAVAILABLE.equals(reason);
    }

    /** A condition is new or its status or message changed. */
    private static boolean changed(Condition before, Condition after) {
        return before == null || !Objects.equals(before.getStatus(), after.getStatus())
                || !Objects.equals(before.getReason(), after.getReason()) || !Objects.equals(before.getMessage(), after.getMessage());
    }

    private static boolean sameStatus(SchedulingPolicyStatus a, SchedulingPolicyStatus b) {
        return a != null && JSON.convertValue(a, Map.class).equals(JSON.convertValue(b, Map.class));
    }

    private static String key(SchedulingPolicy p) {
        return p.getMetadata().getNamespace() + "/" + p.getMetadata().getName();
    }
}
