package dev.syrup.helm;

import dev.syrup.k8s.testing.Crds;
import dev.syrup.k8s.testing.KubeCluster;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** examples/kubernetes: every manifest is accepted by the real API server (dry run) with the chart's CRDs installed. */
class KubernetesExamplesTest {
    private static KubeCluster cluster;
    private static KubernetesClient client;

    @BeforeAll
    static void cluster() {
        cluster = KubeCluster.shared();
        client = cluster.admin();
        Crds.install(client);
    }

    static Path examples() { return Crds.repoRoot().resolve("examples/kubernetes"); }

    static List<HasMetadata> load() throws IOException {
        List<HasMetadata> all = new ArrayList<>();
        try (Stream<Path> files = Files.list(examples())) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                try (InputStream in = Files.newInputStream(f)) {
                    all.addAll(client.load(in).items());
                }
            }
        }
        return all;
    }

    @Test
    void everyExampleIsAcceptedByTheApiServer() throws IOException {
        String namespace = cluster.newNamespace("examples");
        List<HasMetadata> objects = load();
        assertThat(objects).extracting(HasMetadata::getKind)
                .contains("SchedulingPolicy", "ConfigMap", "Deployment", "Service");
        for (HasMetadata o : objects) {
            assertThat(o.getMetadata().getNamespace()).as("examples are applied with -n; %s names none", o.getMetadata().getName())
                    .isNull();
            HasMetadata accepted = client.resource(o).inNamespace(namespace).dryRun().create();
            assertThat(accepted.getMetadata().getNamespace()).isEqualTo(namespace);
        }
    }

    @Test
    void theAnnotatedDeploymentMatchesThePoliciesAndMountsTheAgentsSocket() throws IOException {
        List<HasMetadata> objects = load();
        List<GenericKubernetesResource> policies = objects.stream().filter(o -> o.getKind().equals("SchedulingPolicy"))
                .map(GenericKubernetesResource.class::cast).toList();
        assertThat(policies).extracting(p -> p.getMetadata().getName()).containsExactlyInAnyOrder("round-robin", "choose-from-map");
        Deployment server = objects.stream().filter(Deployment.class::isInstance).map(Deployment.class::cast)
                .findFirst().orElseThrow();
        PodTemplateSpec pod = server.getSpec().getTemplate();

        // One policy by annotation, the other by its podSelector.
        assertThat(pod.getMetadata().getAnnotations()).containsEntry("syrup.dev/policy", "round-robin");
        GenericKubernetesResource fromMap = policies.stream().filter(p -> p.getMetadata().getName().equals("choose-from-map"))
                .findFirst().orElseThrow();
        Map<String, String> matchLabels = fromMap.get("spec", "podSelector", "matchLabels");
        assertThat(pod.getMetadata().getLabels()).containsAllEntriesOf(matchLabels);
        assertThat((String) fromMap.get("spec", "sourceFrom", "configMapKeyRef", "name")).isEqualTo("choose-from-map-source");
        assertThat(objects).anySatisfy(o -> assertThat(o.getMetadata().getName()).isEqualTo("choose-from-map-source"));

        // The server mounts the node's /run/syrup, where the agent's socket is.
        assertThat(pod.getSpec().getVolumes()).filteredOn(v -> v.getHostPath() != null)
                .singleElement().satisfies(v -> assertThat(v.getHostPath().getPath()).isEqualTo("/run/syrup"));
        assertThat(pod.getSpec().getContainers().get(0).getVolumeMounts())
                .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/run/syrup"));
    }
}
