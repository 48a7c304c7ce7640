package dev.syrup.operator;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** The operator's own settings (application.properties, or environment variables SYRUP_OPERATOR_...). */
@ConfigMapping(prefix = "syrup.operator")
public interface OperatorConfig {
    /** Where the policy SDK is extracted and compiled objects are cached (writable). */
    @WithDefault("${java.io.tmpdir}/syrup-operator")
    Path cacheDir();

    /** The clang the compile check runs. */
    @WithDefault("clang")
    String clang();

    /** How long one compile check may take. */
    @WithDefault("60s")
    Duration compileTimeout();

    /**
     * How many writes of SchedulingPolicyNode objects (applies, deletes) the operator has in flight at once, over
     * all policies. A policy's writes of one reconcile go out side by side; the reconcile waits for all of them.
     */
    @WithDefault("16")
    int nodeObjectWrites();

    PodBursts podBursts();

    LeaderElection leaderElection();

    /** How pod events are coalesced into reconciles of their policy (PodBursts). */
    interface PodBursts {
        /** A burst of pod changes is over when none came for this long: the policy is reconciled then. */
        @WithDefault("1s")
        Duration quiet();

        /**
         * During a burst, a policy's next reconcile waits at most this many times as long as its last one took
         * (at most about 1 / (1 + spacing) of a long burst goes to writing node objects). 0: no waiting.
         */
        @WithDefault("4")
        double spacing();
    }

    interface LeaderElection {
        /** Several replicas: only the holder of the lease reconciles. */
        @WithDefault("true")
        boolean enabled();

        @WithDefault("syrup-operator")
        String leaseName();

        /** The lease's namespace; unset: $POD_NAMESPACE, else the namespace of the client's configuration. */
        Optional<String> leaseNamespace();

        /** This replica's name in the lease; unset: $POD_NAME, else host name and process id. */
        Optional<String> identity();
    }
}
