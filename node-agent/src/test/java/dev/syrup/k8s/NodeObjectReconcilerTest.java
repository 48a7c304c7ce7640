package dev.syrup.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.syrup.crds.SyrupLabels;
import dev.syrup.crds.v1alpha1.HookType;
import dev.syrup.crds.v1alpha1.MapEntries;
import dev.syrup.crds.v1alpha1.PolicyHook;
import dev.syrup.crds.v1alpha1.PolicyReasons;
import dev.syrup.crds.v1alpha1.SchedulingPolicyNode;
import dev.syrup.crds.v1alpha1.SchedulingPolicyNodeSpec;
import dev.syrup.crds.v1alpha1.SchedulingPolicyNodeStatus;
import dev.syrup.crds.v1alpha1.SchedulingPolicyNodeStatus.PodState;
import dev.syrup.daemon.Log;
import dev.syrup.hook.NetnsRef;
import dev.syrup.node.DeploymentService;
import dev.syrup.node.FakeDeployments;
import dev.syrup.policy.PolicyForbiddenException;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The agent's per-object decisions — deploy, replace, redeploy after a restart, remove, report —
 * against deployments kept in memory and pods described by the test. AgentTest runs the same
 * decisions on the kernel with a real API server.
 */
class NodeObjectReconcilerTest {
    private static final String NODE = "node-1";
    private static final String POD_UID = "1111-2222";

    private final FakeDeployments deployments = new FakeDeployments()
            .declareMap("weights", new DeploymentService.MapShape(4, 4, false, 4));
    private final Map<String, PodResolver.ResolvedPod> resolved = new HashMap<>();
    private final Map<String, Pod> pods = new HashMap<>();
    private final FakeWriter writer = new FakeWriter();
    private RuntimeException policyFailure;
    private final NodeObjectReconciler reconciler = new NodeObjectReconciler(NODE, deployments, this::resolve,
            new PolicyVerdicts((policy, hooks, executors) -> {
                if (policyFailure != null) {
                    throw policyFailure;
                }
            }), writer, new AgentMetrics(), new Log(new PrintStream(new ByteArrayOutputStream())));

    @Test
    void aNewObjectGetsTheFinalizerBeforeAnythingIsAttached() {
        SchedulingPolicyNode obj = nodeObject("v1", false);
        runningPod(POD_UID, 4026531001L);
        reconciler.reconcile(obj, pods::get);
        assertThat(writer.finalizersAdded).containsExactly("apps/rr-node-1");
        assertThat(deployments.list()).isEmpty();
    }

    @Test
    void aRunningPodIsDeployedForOwnedByItAndReportedAttached() {
        runningPod(POD_UID, 4026531001L);
        reconciler.reconcile(nodeObject("v1", true), pods::get);
        assertThat(deployments.list()).singleElement().satisfies(e -> {
            assertThat(e.owner().pod()).isEqualTo(POD_UID);
            assertThat(e.binding().nodeObject()).isEqualTo("rr-node-1");
        });
        SchedulingPolicyNodeStatus s = writer.last();
        assertThat(s.getSelectedPods()).isEqualTo(1);
        assertThat(s.getAttachedPods()).isEqualTo(1);
        assertThat(s.getPods().get(0).getDeployment()).isEqualTo(deployments.list().get(0).id());
    }

    @Test
    void aNewSourceReplacesInPlaceAndARestartedPodIsRedeployed() {
        runningPod(POD_UID, 4026531001L);
        reconciler.reconcile(nodeObject("v1", true), pods::get);
        String first = deployments.list().get(0).id();
        reconciler.reconcile(nodeObject("v2", true), pods::get);
        assertThat(deployments.calls()).containsExactly("deploy " + first, "replace " + first);
        runningPod(POD_UID, 4026531999L); // the pod restarted: a new network namespace
        reconciler.reconcile(nodeObject("v2", true), pods::get);
        String second = deployments.list().get(0).id();
        assertThat(second).isNotEqualTo(first);
        assertThat(deployments.calls()).endsWith("remove " + first, "deploy " + second);
    }

    @Test
    void aPodNoLongerSelectedOrNoLongerRunningIsDetached() {
        runningPod(POD_UID, 4026531001L);
        reconciler.reconcile(nodeObject("v1", true), pods::get);
        pods.get(POD_UID).getStatus().setPhase("Succeeded");
        reconciler.reconcile(nodeObject("v1", true), pods::get);
        assertThat(deployments.list()).isEmpty();
        assertThat(writer.last().getPods().get(0).getState()).isEqualTo(PodState.Pending);
        assertThat(writer.last().getPods().get(0).getMessage()).isEqualTo("pod is Succeeded");
    }

    @Test
    void aRefusedPolicyIsReportedOnceAndARunningOneIsKept() {
        runningPod(POD_UID, 4026531001L);
        policyFailure = new PolicyForbiddenException("rr.c", 4, "helper bpf_probe_read_kernel (id 113)");
        reconciler.reconcile(nodeObject("v1", true), pods::get);
        assertThat(deployments.list()).isEmpty();
        assertThat(writer.last().getReason()).isEqualTo(PolicyReasons.POLICY_FORBIDDEN);
        assertThat(writer.last().getPods().get(0).getState()).isEqualTo(PodState.Failed);

        policyFailure = null;
        reconciler.reconcile(nodeObject("v2", true), pods::get);
        String running = deployments.list().get(0).id();
        policyFailure = new PolicyForbiddenException("rr.c", 4, "helper bpf_probe_read_kernel (id 113)");
        reconciler.reconcile(nodeObject("v3", true), pods::get);
        assertThat(deployments.list()).extracting(DeploymentService.Entry::id).containsExactly(running);
        assertThat(writer.last().getPods().get(0).getState()).isEqualTo(PodState.Attached);
        assertThat(writer.last().getPods().get(0).getMessage()).contains("still running the previous policy");
    }

    @Test
    void badInitialMapEntriesRollTheDeploymentBack() {
        runningPod(POD_UID, 4026531001L);
        SchedulingPolicyNode obj = nodeObject("v1", true);
        obj.getSpec().setMaps(List.of(new MapEntries("weights", List.of(new MapEntries.MapEntry("0", "not-a-number")))));
        reconciler.reconcile(obj, pods::get);
        assertThat(deployments.list()).isEmpty();
        assertThat(writer.last().getPods().get(0).getState()).isEqualTo(PodState.Failed);
        assertThat(writer.last().getPods().get(0).getMessage()).startsWith("initial map entries: weights value");
    }

    @Test
    void deletionDetachesEveryPodAndReleasesTheFinalizer() {
        runningPod(POD_UID, 4026531001L);
        reconciler.reconcile(nodeObject("v1", true), pods::get);
        SchedulingPolicyNode deleting = nodeObject("v1", true);
        deleting.getMetadata().setDeletionTimestamp("2026-12-02T00:00:00Z");
        reconciler.reconcile(deleting, pods::get);
        assertThat(deployments.list()).isEmpty();
        assertThat(writer.finalizersRemoved).containsExactly("apps/rr-node-1");
    }

    private PodResolver.ResolvedPod resolve(String uid) {
        PodResolver.ResolvedPod p = resolved.get(uid);
        if (p == null) {
            throw new PodResolver.NotRunningException("no cgroup of pod " + uid);
        }
        return p;
    }

    private void runningPod(String uid, long netnsInode) {
        pods.put(uid, new PodBuilder().withMetadata(new ObjectMetaBuilder().withName("server").withNamespace("apps")
                .withUid(uid).build()).withNewStatus().withPhase("Running").endStatus().build());
        resolved.put(uid, new PodResolver.ResolvedPod(uid, Path.of("/sys/fs/cgroup/kubepods/pod" + uid),
                "/kubepods/pod" + uid, List.of(4242), new NetnsRef(Path.of("/proc/4242/ns/net"), netnsInode)));
    }

    private static SchedulingPolicyNode nodeObject(String source, boolean withFinalizer) {
        SchedulingPolicyNode obj = new SchedulingPolicyNode();
        obj.setMetadata(new ObjectMetaBuilder().withNamespace("apps").withName("rr-node-1").withGeneration(1L)
                .withFinalizers(withFinalizer ? List.of(SyrupLabels.AGENT_FINALIZER) : List.of()).build());
        SchedulingPolicyNodeSpec spec = new SchedulingPolicyNodeSpec();
        spec.setNodeName(NODE);
        spec.setPolicy("rr");
        spec.setSource("/* " + source + " */");
        PolicyHook hook = new PolicyHook(HookType.XDP_CPU, 9000);
        hook.setInterface("eth0");
        spec.setHooks(List.of(hook));
        spec.setPods(List.of(new SchedulingPolicyNodeSpec.PodRef("server", POD_UID)));
        obj.setSpec(spec);
        return obj;
    }

    private static final class FakeWriter implements NodeObjectReconciler.StatusWriter {
        final List<String> finalizersAdded = new ArrayList<>();
        final List<String> finalizersRemoved = new ArrayList<>();
        final List<SchedulingPolicyNodeStatus> written = new ArrayList<>();

        @Override
        public void addFinalizer(SchedulingPolicyNode obj) { finalizersAdded.add(NodeObjectReconciler.key(obj)); }

        @Override
        public void removeFinalizer(SchedulingPolicyNode obj) { finalizersRemoved.add(NodeObjectReconciler.key(obj)); }

        @Override
        public boolean write(SchedulingPolicyNode obj, SchedulingPolicyNodeStatus status) {
            written.add(status);
            return true;
        }

        SchedulingPolicyNodeStatus last() { return written.get(written.size() - 1); }
    }
}
