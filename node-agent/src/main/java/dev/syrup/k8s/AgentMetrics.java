package dev.syrup.k8s;

import com.sun.net.httpserver.HttpServer;
import dev.syrup.deploy.TargetState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The agent's Prometheus metrics, served at /metrics: per policy and pod, the decisions per executor,
 * fallbacks to the kernel default, drops and passes (read from the kernel's counters at each scrape)
 * and, per socket-select target, its live executors and state; per policy, pods attached and attach failures.
 */
public final class AgentMetrics implements AutoCloseable {
    /**
     * One deployment's counters at one hook, as the controller reports them at scrape time; port is the
     * network hook's (0 for a thread hook, whose port label is empty), state what the follower knows of a
     * socket-select target (else null).
     */
    public record Sample(String namespace, String policy, String pod, String hook, long[] perExecutor, long pass,
                         long drop, long fallback, int port, TargetState state) {}

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<Meter.Id, AtomicLong> values = new HashMap<>();
    private final Map<Meter.Id, Meter> meters = new HashMap<>();
    private final Map<Tags, AtomicLong> attached = new ConcurrentHashMap<>();
    private volatile Supplier<List<Sample>> samples = List::of;
    private HttpServer server;

    public void source(Supplier<List<Sample>> samples) { this.samples = samples; }

    /** A deployment for a pod of policy failed (not Pending: the pod was there and it did not attach). */
    public void attachFailure(String namespace, String policy) {
        Counter.builder("syrup.attach.failures").description("Deployments for a pod that failed")
                .tags("namespace", namespace, "policy", policy).register(registry).increment();
    }

    /** How many pods of policy are attached on this node now. */
    public void podsAttached(String namespace, String policy, int count) {
        Tags tags = Tags.of("namespace", namespace, "policy", policy);
        attached.computeIfAbsent(tags, t -> {
            AtomicLong v = new AtomicLong();
            Gauge.builder("syrup.pods.attached", v, AtomicLong::get).description("Pods with the policy attached")
                    .tags(t).register(registry);
            return v;
        }).set(count);
    }

    /** The metrics in Prometheus' text format, with the kernel's counters read now. */
    public synchronized String scrape() {
        Set<Meter.Id> live = new HashSet<>();
        for (Sample s : samples.get()) {
            // A policy may have several hooks of one type on different ports: the port tells their counters apart.
            Tags base = Tags.of("namespace", s.namespace(), "policy", s.policy(), "pod", s.pod(), "hook", s.hook(),
                    "port", s.port() == 0 ? "" : Integer.toString(s.port()));
            for (int i = 0; i < s.perExecutor().length; i++) {
                set("syrup.policy.decisions", "Packets or connections the policy sent to an executor",
                        base.and("executor", Integer.toString(i)), s.perExecutor()[i], live);
            }
            set("syrup.policy.fallbacks", "Decisions naming no executor, left to the kernel's default", base, s.fallback(), live);
            set("syrup.policy.drops", "Packets the policy dropped", base, s.drop(), live);
            set("syrup.policy.passes", "Decisions the policy left to the kernel (SYRUP_PASS)", base, s.pass(), live);
            if (s.state() != null) {
                gauge("syrup.target.live.executors", "Sockets the policy chooses among now (syrup_executors())", base,
                        s.state().live(), live);
                for (TargetState.State st : TargetState.State.values()) {
                    gauge("syrup.target.state", "1 for the target's state now (attached, waiting, failed), 0 for the others",
                            base.and("state", st.wireName()), s.state().state() == st ? 1 : 0, live);
                }
            }
        }
        for (Meter.Id id : Set.copyOf(meters.keySet())) {
            if (!live.contains(id)) {
                registry.remove(meters.remove(id));
                values.remove(id);
            }
        }
        return registry.scrape();
    }

    private void set(String name, String help, Tags tags, long value, Set<Meter.Id> live) {
        put(new Meter.Id(name, tags, null, help, Meter.Type.COUNTER), value, live);
    }

    private void gauge(String name, String help, Tags tags, long value, Set<Meter.Id> live) {
        put(new Meter.Id(name, tags, null, help, Meter.Type.GAUGE), value, live);
    }

    private void put(Meter.Id id, long value, Set<Meter.Id> live) {
        live.add(id);
        AtomicLong v = values.get(id);
        if (v == null) {
            AtomicLong nv = new AtomicLong();
            Meter m = id.getType() == Meter.Type.GAUGE
                    ? Gauge.builder(id.getName(), nv, AtomicLong::doubleValue).description(id.getDescription())
                            .tags(id.getTagsAsIterable()).register(registry)
                    : FunctionCounter.builder(id.getName(), nv, AtomicLong::doubleValue).description(id.getDescription())
                            .tags(id.getTagsAsIterable()).register(registry);
            values.put(id, nv);
            meters.put(id, m);
            v = nv;
        }
        v.set(value);
    }

    /** Serves /metrics (and /healthz) on port; 0 serves nothing. */
    public void serve(int port) throws IOException {
        if (port == 0) {
            return;
        }
        server = HttpServer.create(new InetSocketAddress(port), 0);
        server.createContext("/metrics", ex -> {
            byte[] body = scrape().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        server.createContext("/healthz", ex -> {
            byte[] body = "ok\n".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop(0);
        }
        registry.close();
    }
}
