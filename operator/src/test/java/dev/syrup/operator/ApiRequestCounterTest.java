package dev.syrup.operator;

import org.junit.jupiter.api.Test;

import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;

class ApiRequestCounterTest {
    @Test
    void classifiesRequestsAsTheApiServerDoes() {
        assertThat(ApiRequestCounter.classify("GET", URI.create("https://k/api/v1/pods?watch=true&resourceVersion=1")))
                .containsExactly("watch", "pods");
        assertThat(ApiRequestCounter.classify("GET", URI.create("https://k/api/v1/namespaces/a/pods?limit=500")))
                .containsExactly("list", "pods");
        assertThat(ApiRequestCounter.classify("PATCH",
                URI.create("https://k/apis/syrup.dev/v1alpha1/namespaces/a/schedulingpolicies/rr/status")))
                .containsExactly("patch", "schedulingpolicies/status");
        assertThat(ApiRequestCounter.classify("POST", URI.create("https://k/apis/events.k8s.io/v1/namespaces/a/events")))
                .containsExactly("create", "events");
        assertThat(ApiRequestCounter.classify("GET", URI.create("https://k/api/v1/nodes/n1"))).containsExactly("get", "nodes");
    }
}
