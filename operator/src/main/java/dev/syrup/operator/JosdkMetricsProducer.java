package dev.syrup.operator;

import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetricsV2;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * JOSDK's reconcile metrics (reconciliations_started_total, ..._success_total, ..._failure_total, events_received_total,
 * reconciliations_execution_duration_seconds) on the application's registry. The extension's own provider hands
 * out a no-op instance when the operator is configured before its meter binder is bound; this one cannot be early.
 */
@ApplicationScoped
public class JosdkMetricsProducer {
    @Produces
    @Singleton
    Metrics josdkMetrics(MeterRegistry registry) {
        return MicrometerMetricsV2.newBuilder(registry).build();
    }
}
