package dev.syrup.operator;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The operator's Kubernetes client: Quarkus' configuration and serialization (as its default producer does),
 * plus the interceptor that counts API requests.
 */
@ApplicationScoped
public class KubernetesClientProducer {
    private KubernetesClient client;

    @Produces
    @Singleton
    KubernetesClient kubernetesClient(KubernetesSerialization serialization, Config config, MeterRegistry registry) {
        client = new KubernetesClientBuilder().withKubernetesSerialization(serialization).withConfig(config)
                .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor(ApiRequestCounter.NAME, new ApiRequestCounter(registry)))
                .build();
        return client;
    }

    @PreDestroy
    void close() {
        if (client != null) {
            client.close();
        }
    }
}
