package dev.syrup.operator;

import dev.syrup.operator.testing.Metrics;
import dev.syrup.operator.testing.Objects;
import dev.syrup.operator.testing.OperatorFixture;
import dev.syrup.operator.testing.OperatorProcess;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static dev.syrup.operator.NodeFanOutIT.awaitNodeObjects;
import static org.assertj.core.api.Assertions.assertThat;

/** Two replicas: one holds the lease and reconciles, the other waits; when the leader goes, the other takes over. */
class LeaderElectionIT {
    static final String RECONCILES = "reconciliations_started_total"; // JOSDK's Micrometer metrics (v2)

    @Test
    void aSecondReplicaStaysPassiveUntilTheLeaderGoes() {
        OperatorFixture fx = OperatorFixture.shared();
        PolicyStatusIT.start();
        KubernetesClient admin = fx.admin();
        OperatorProcess leader = fx.operator();
        awaitHolder(admin, leader.identity());
        OperatorProcess replica = fx.startReplica();
        try {
            String ns = fx.cluster().newNamespace("leader");
            String a = ns + "-a";
            Objects.node(admin, a);
            Objects.annotatedPod(admin, ns, "p1", a, "rr");
            Objects.create(admin, Objects.policy(ns, "rr", Objects.ROUND_ROBIN));
            awaitNodeObjects(ns, m -> m.equals(Map.of(a, Set.of("p1"))));
            String metrics = leader.metrics();
            assertThat(Metrics.sum(metrics, RECONCILES, "")).as("leader's reconciles in\n" + metrics).isPositive();
            assertThat(replica.metric(RECONCILES, "")).as("passive replica's reconciles").isZero();
            assertThat(holder(admin)).isEqualTo(leader.identity());

            leader.close();
            awaitHolder(admin, replica.identity());
            fx.replaceOperator(replica);
            Objects.annotatedPod(admin, ns, "p2", a, "rr");
            awaitNodeObjects(ns, m -> m.equals(Map.of(a, Set.of("p1", "p2"))));
            assertThat(replica.metric(RECONCILES, "")).as("new leader's reconciles").isPositive();
        } catch (RuntimeException | AssertionError e) {
            System.err.println("replica log:\n" + replica.tail());
            throw e;
        }
    }

    static String holder(KubernetesClient admin) {
        Lease lease = admin.leases().inNamespace(OperatorFixture.NAMESPACE).withName("syrup-operator").get();
        return lease == null ? null : lease.getSpec().getHolderIdentity();
    }

    static void awaitHolder(KubernetesClient admin, String identity) {
        admin.leases().inNamespace(OperatorFixture.NAMESPACE).withName("syrup-operator")
                .waitUntilCondition(l -> l != null && identity.equals(l.getSpec().getHolderIdentity()), 90, TimeUnit.SECONDS);
    }
}
