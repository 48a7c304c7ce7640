package dev.syrup.k8s;

import static dev.syrup.testing.k8s.NodeObjects.attached;
import static org.assertj.core.api.Assertions.assertThat;

import dev.syrup.crds.v1alpha1.HookType;
import dev.syrup.crds.v1alpha1.PolicyHook;
import dev.syrup.crds.v1alpha1.SchedulingPolicyNode;
import dev.syrup.hook.thread.Cgroups;
import dev.syrup.k8s.testing.Crds;
import dev.syrup.k8s.testing.KubeCluster;
import dev.syrup.testing.SpinThreads;
import dev.syrup.testing.k8s.AgentProcess;
import dev.syrup.testing.k8s.AgentRbac;
import dev.syrup.testing.k8s.FakeKubelet;
import dev.syrup.testing.k8s.NodeObjects;
import dev.syrup.testing.k8s.RealizedPod;
import java.nio.file.Path;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A SchedulingPolicyNode with a thread hook: the agent deploys the policy for the pod's cgroup, so the
 * pod's threads (in a container cgroup below the pod's) are moved where the policy says, another
 * process's threads are not, and deleting the object puts the pod's threads back.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentThreadHookTest {
    private static final String NODE = "agent-thread-node";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final BitSet BOTH = SpinThreads.cpus(0, 1);

    private NodeObjects objects;
    private FakeKubelet kubelet;
    private AgentProcess agent;
    private RealizedPod pod;
    private SpinThreads workers;
    private SpinThreads other;

    @BeforeAll
    void start() {
        KubeCluster cluster = KubeCluster.shared();
        Crds.install(cluster.admin());
        Path kubeconfig = AgentRbac.install(cluster, "agent-thread-test", cluster.newNamespace("syrup-system"));
        objects = new NodeObjects(cluster.admin());
        kubelet = new FakeKubelet(cluster.admin(), NODE);
        agent = new AgentProcess(NODE, kubeconfig);
        pod = kubelet.runPod(cluster.newNamespace("team-t"), "workers", 9100, 1);
        // A second container of the pod: 4 threads that spin and sleep, in a cgroup below the pod's.
        Path container = pod.podCgroup().resolve("cri-containerd-spin.scope");
        workers = SpinThreads.start(Cgroups.v2Mount().relativize(container).toString(), 4, null);
        other = SpinThreads.start("syrup-t-agent-thread-other", 2, null);
    }

    @AfterAll
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {workers, other, pod, agent}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // best effort: the next resource still gets closed
            }
        }
    }

    @Test
    void aThreadHookPinsThePodsThreadsOnlyAndDeletionPutsThemBack() {
        assertThat(workers.affinities()).allMatch(BOTH::equals);
        PolicyHook thread = new PolicyHook(HookType.THREAD, null);
        thread.setCpus(List.of(0, 1));
        SchedulingPolicyNode obj = objects.create(pod.namespace(), "pin", NODE, AgentTest.example("pin_per_worker.c"),
                List.of(thread), null, List.of(pod));

        SchedulingPolicyNode a = objects.awaitStatus(obj, s -> attached(s, 1), agent);
        assertThat(a.getStatus().getThreadBackend()).isEqualTo("affinity");
        SpinThreads.await(WAIT, () -> workers.affinities().stream().allMatch(b -> b.cardinality() == 1),
                () -> "every worker of the pod pinned to one CPU, affinities " + workers.affinities());
        List<BitSet> pinned = workers.affinities();
        assertThat(pinned).as("pin_per_worker spreads the workers over both CPUs")
                .anyMatch(SpinThreads.cpus(0)::equals).anyMatch(SpinThreads.cpus(1)::equals);
        assertThat(other.affinities()).as("a process outside the pod keeps its affinity").allMatch(BOTH::equals);

        objects.delete(obj);
        objects.awaitGone(obj, agent);
        SpinThreads.await(WAIT, () -> workers.affinities().stream().allMatch(BOTH::equals),
                () -> "the pod's workers back on both CPUs, affinities " + workers.affinities());
        assertThat(agent.pinnedDeployments()).isEmpty();
    }
}
