package dev.syrup.operator;

import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Leader election for several replicas: quarkus-operator-sdk looks this bean up (in the prod profile) and the
 * operator only starts its controllers once it holds the lease. Returns null when disabled.
 */
@Dependent
public class LeaderElectionProducer {
    @Produces
    @Dependent
    LeaderElectionConfiguration leaderElection(OperatorConfig config) {
        OperatorConfig.LeaderElection le = config.leaderElection();
        if (!le.enabled()) {
            return null;
        }
        String namespace = le.leaseNamespace().orElse(System.getenv("POD_NAMESPACE"));
        String identity = le.identity().orElseGet(LeaderElectionProducer::defaultIdentity);
        return LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(le.leaseName())
                .withLeaseNamespace(namespace).withIdentity(identity)
                // A replica that lost the lease exits rather than keep reconciling next to the new leader. In JOSDK
                // 5.3 build() turns exiting off and only buildForTest(boolean) lets it be chosen.
                .buildForTest(true);
    }

    private static String defaultIdentity() {
        String pod = System.getenv("POD_NAME");
        if (pod != null && !pod.isBlank()) {
            return pod;
        }
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "unknown";
        }
        // Two replicas on one host (tests, local runs) must not share an identity.
        return host + "-" + ManagementFactory.getRuntimeMXBean().getPid();
    }
}
