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

    LeaderElection leaderElection();

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
