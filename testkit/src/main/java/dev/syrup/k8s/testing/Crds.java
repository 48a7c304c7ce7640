package dev.syrup.k8s.testing;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Installs what the chart installs before anything else: the CRDs and the admission policy that guards them. */
public final class Crds {
    private static boolean installed;

    private Crds() {}

    /** The checkout's root (the directory holding helm/syrup). */
    public static Path repoRoot() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("helm/syrup/crds"))) {
                return d;
            }
        }
        throw new IllegalStateException("no helm/syrup/crds above " + dir);
    }

    public static Path chartCrds() { return repoRoot().resolve("helm/syrup/crds"); }

    /** Applies the chart's CRDs and admission policy (once per JVM) and waits until the CRDs are established. */
    public static synchronized void install(KubernetesClient client) {
        if (installed) {
            return;
        }
        try (Stream<Path> files = Files.list(chartCrds())) {
            for (Path f : files.sorted().toList()) {
                apply(client, f);
            }
            apply(client, repoRoot().resolve("helm/syrup/templates/policy-namespace-admission.yaml"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String name : List.of("schedulingpolicies.syrup.dev", "schedulingpolicynodes.syrup.dev")) {
            client.apiextensions().v1().customResourceDefinitions().withName(name)
                    .waitUntilCondition(Crds::established, 60, TimeUnit.SECONDS);
        }
        waitForAdmissionPolicy(client, Duration.ofSeconds(30));
        installed = true;
    }

    private static void apply(KubernetesClient client, Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            List<HasMetadata> items = client.load(in).items();
            for (HasMetadata item : items) {
                client.resource(item).serverSideApply();
            }
        }
    }

    private static boolean established(CustomResourceDefinition crd) {
        return crd != null && crd.getStatus() != null && crd.getStatus().getConditions().stream()
                .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    /**
     * The admission plugin learns of a new policy and binding asynchronously: wait until a server-side dry run
     * of a policy selecting another namespace is refused.
     */
    private static void waitForAdmissionPolicy(KubernetesClient client, Duration timeout) {
        String probe = """
                apiVersion: syrup.dev/v1alpha1
                kind: SchedulingPolicy
                metadata: {name: admission-probe, namespace: default}
                spec:
                  source: "x"
                  hooks: [{type: socket-select, port: 1}]
                  podSelector: {namespace: kube-system}
                """;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                client.resource(probe).dryRun().create();
            } catch (KubernetesClientException e) {
                if (e.getCode() == 422 || e.getCode() == 403) {
                    return;
                }
                throw e;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("admission policy syrup-policy-own-namespace not enforced after " + timeout);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
