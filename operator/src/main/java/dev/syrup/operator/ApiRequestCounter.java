package dev.syrup.operator;

import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts every request the operator's Kubernetes client sends, as syrup_operator_api_requests_total{verb,resource}
 * (verbs as the API server names them: get, list, watch, create, patch, update, delete).
 */
public final class ApiRequestCounter implements Interceptor {
    public static final String NAME = "syrup-api-request-counter";
    private final MeterRegistry registry;
    private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();

    public ApiRequestCounter(MeterRegistry registry) { this.registry = registry; }

    @Override
    public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
        String[] vr = classify(request.method(), request.uri());
        counters.computeIfAbsent(vr[0] + " " + vr[1], k -> {
            // Read when scraped, so requests sent before the Prometheus registry is attached count too.
            LongAdder n = new LongAdder();
            FunctionCounter.builder("syrup_operator_api_requests", n, LongAdder::doubleValue)
                    .description("Requests the operator sent to the Kubernetes API server")
                    .tag("verb", vr[0]).tag("resource", vr[1]).register(registry);
            return n;
        }).increment();
    }

    /** {verb, resource[/subresource]} of a request to the API server. */
    static String[] classify(String method, URI uri) {
        String[] parts = uri.getPath().replaceAll("^/+", "").split("/");
        int i;
        if (parts.length > 1 && parts[0].equals("api")) {
            i = 2;
        } else if (parts.length > 2 && parts[0].equals("apis")) {
            i = 3;
        } else {
            return new String[] {method.toLowerCase(), uri.getPath()};
        }
        if (parts.length > i + 2 && parts[i].equals("namespaces")) {
            i += 2;
        }
        String resource = i < parts.length ? parts[i] : "";
        boolean named = i + 1 < parts.length;
        if (i + 2 < parts.length) {
            resource += "/" + parts[i + 2];
        }
        String query = uri.getRawQuery() == null ? "" : uri.getRawQuery();
        String verb = switch (method) {
            case "GET" -> named ? "get" : query.contains("watch=true") || query.contains("watch=1") ? "watch" : "list";
            case "POST" -> "create";
            case "PUT" -> "update";
            default -> method.toLowerCase();
        };
        return new String[] {verb, resource};
    }
}
