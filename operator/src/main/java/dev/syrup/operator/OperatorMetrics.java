package dev.syrup.operator;

import dev.syrup.crds.v1alpha1.PolicyConditions;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The operator's own Prometheus metrics (JOSDK's reconcile metrics come with quarkus-operator-sdk):
 * syrup_policies{ready}, syrup_policy_node_objects, syrup_policy_node_object_writes_total{op},
 * syrup_policy_compile_failures_total (in CompileCheck), syrup_operator_api_requests_total (ApiRequestCounter).
 */
@ApplicationScoped
public class OperatorMetrics {
    private final MeterRegistry registry;
    private final Map<String, String> readyByPolicy = new ConcurrentHashMap<>();
    private final Map<String, Counter> writes = new ConcurrentHashMap<>();
    private volatile LongSupplier nodeObjects = () -> 0;

    public OperatorMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (String status : new String[] {PolicyConditions.TRUE, PolicyConditions.FALSE, PolicyConditions.UNKNOWN}) {
            Gauge.builder("syrup_policies", readyByPolicy, m -> m.values().stream().filter(status::equals).count())
                    .description("SchedulingPolicies by the status of their Ready condition").tag("ready", status).register(registry);
        }
        Gauge.builder("syrup_policy_node_objects", this, m -> m.nodeObjects.getAsLong())
                .description("SchedulingPolicyNode objects in the operator's cache").register(registry);
    }

    public void policyReady(String policyKey, String status) { readyByPolicy.put(policyKey, status); }

    public void policyGone(String policyKey) { readyByPolicy.remove(policyKey); }

    public void countNodeObjectsWith(LongSupplier supplier) { this.nodeObjects = supplier; }

    public void nodeObjectWrite(String op) {
        writes.computeIfAbsent(op, o -> Counter.builder("syrup_policy_node_object_writes")
                .description("Writes to SchedulingPolicyNode objects, by operation").tag("op", o).register(registry)).increment();
    }
}
