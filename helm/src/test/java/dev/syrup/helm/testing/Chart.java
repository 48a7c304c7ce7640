package dev.syrup.helm.testing;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import dev.syrup.k8s.testing.Crds;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** Renders helm/syrup with the embedded Helm library, for tests that install (parts of) the chart. */
public final class Chart {
    private static final Set<String> RBAC_KINDS = Set.of("ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding");

    private Chart() {}

    public static Path dir() { return Crds.repoRoot().resolve("helm/syrup"); }

    /** helm template RELEASE helm/syrup --namespace NAMESPACE --set k=v... (templates only; crds/ are separate). */
    public static String template(String release, String namespace, Map<String, Object> values) {
        TemplateCommand cmd = new Helm(dir()).template().withName(release).withNamespace(namespace);
        values.forEach(cmd::set);
        return cmd.call();
    }

    public static List<HasMetadata> render(String release, String namespace, Map<String, Object> values) {
        String yaml = template(release, namespace, values);
        Object parsed = new KubernetesSerialization().unmarshal(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
        List<?> items = parsed instanceof List<?> l ? l : List.of(parsed);
        return items.stream().filter(Objects::nonNull).map(HasMetadata.class::cast).toList();
    }

    /** The service accounts, roles and bindings the chart installs. */
    public static List<HasMetadata> rbac(String release, String namespace, Map<String, Object> values) {
        return render(release, namespace, values).stream().filter(o -> RBAC_KINDS.contains(o.getKind())).toList();
    }
}
