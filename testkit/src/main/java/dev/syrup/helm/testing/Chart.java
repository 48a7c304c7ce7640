package dev.syrup.helm.testing;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import dev.syrup.k8s.testing.Crds;
import dev.syrup.k8s.testing.KubeCluster;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

/** Renders helm/syrup with the embedded Helm library, for tests that install (parts of) the chart. */
public final class Chart {
    private static final Set<String> RBAC_KINDS = Set.of("ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding");
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private Chart() {}

    public static Path dir() { return Crds.repoRoot().resolve("helm/syrup"); }

    /**
     * The Kubernetes version templates are rendered for: the test API server's (the chart requires 1.30+; without it
     * this Helm library assumes 1.20).
     */
    public static final String KUBE_VERSION = "v" + KubeCluster.VERSION;

    /** helm template RELEASE helm/syrup --namespace NAMESPACE --set k=v... (templates only; crds/ are separate). */
    public static String template(String release, String namespace, Map<String, Object> values) {
        TemplateCommand cmd = templateCommand(release, namespace);
        values.forEach(cmd::set);
        return cmd.call();
    }

    /** helm template RELEASE helm/syrup --namespace NAMESPACE -f VALUES (values given as YAML text). */
    public static String templateWithValues(String release, String namespace, String valuesYaml) {
        Path tmp = tempDir("syrup-values-");
        try {
            Path file = write(tmp.resolve("values.yaml"), valuesYaml);
            return templateCommand(release, namespace).withValuesFile(file).call();
        } finally {
            deleteTree(tmp);
        }
    }

    private static TemplateCommand templateCommand(String release, String namespace) {
        return new Helm(dir()).template().withName(release).withNamespace(namespace).withKubeVersion(KUBE_VERSION);
    }

    public static List<HasMetadata> render(String release, String namespace, Map<String, Object> values) {
        return parse(template(release, namespace, values));
    }

    public static List<HasMetadata> renderWithValues(String release, String namespace, String valuesYaml) {
        return parse(templateWithValues(release, namespace, valuesYaml));
    }

    /** The service accounts, roles and bindings the chart installs. */
    public static List<HasMetadata> rbac(String release, String namespace, Map<String, Object> values) {
        return render(release, namespace, values).stream().filter(o -> RBAC_KINDS.contains(o.getKind())).toList();
    }

    /** helm lint --strict helm/syrup. */
    public static LintResult lint() {
        return new Helm(dir()).lint().strict().call();
    }

    /**
     * helm lint --strict with values (YAML text) over the chart's defaults. This Helm library's lint takes no values
     * file, so the chart is linted from a copy whose values.yaml is the defaults merged with the given values.
     */
    public static LintResult lintWithValues(String valuesYaml) {
        Path tmp = tempDir("syrup-chart-");
        try {
            Path copy = tmp.resolve("syrup");
            copyTree(dir(), copy);
            Map<String, Object> merged = merge(readYaml(read(dir().resolve("values.yaml"))), readYaml(valuesYaml));
            write(copy.resolve("values.yaml"), SERIALIZATION.asYaml(merged));
            return new Helm(copy).lint().strict().call();
        } finally {
            deleteTree(tmp);
        }
    }

    public static List<HasMetadata> parse(String yaml) {
        Object parsed = SERIALIZATION.unmarshal(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
        List<?> items = parsed instanceof List<?> l ? l : List.of(parsed);
        return items.stream().filter(Objects::nonNull).map(HasMetadata.class::cast).toList();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> readYaml(String yaml) {
        Map<String, Object> map = SERIALIZATION.unmarshal(yaml, Map.class);
        return map == null ? new LinkedHashMap<>() : map;
    }

    /** Helm's coalescing: maps merge key by key, anything else (lists included) is replaced. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> over) {
        Map<String, Object> out = new LinkedHashMap<>(base);
        over.forEach((k, v) -> {
            Object b = out.get(k);
            out.put(k, b instanceof Map<?, ?> bm && v instanceof Map<?, ?> vm
                    ? merge((Map<String, Object>) bm, (Map<String, Object>) vm) : v);
        });
        return out;
    }

    private static void copyTree(Path from, Path to) {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path tempDir(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path write(Path file, String text) {
        try {
            return Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
