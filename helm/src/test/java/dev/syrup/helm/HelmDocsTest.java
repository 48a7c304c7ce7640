package dev.syrup.helm;

import dev.syrup.helm.testing.Chart;
import dev.syrup.k8s.testing.Crds;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/helm.md lists every value of values.yaml, and lists no value that values.yaml lacks. */
class HelmDocsTest {
    private static final Pattern TABLE_VALUE = Pattern.compile("(?m)^\\| `([A-Za-z][A-Za-z0-9.]*)` \\|");

    @Test
    void docsListEveryValueAndNoOther() throws IOException {
        String docs = Files.readString(Crds.repoRoot().resolve("docs/helm.md"));
        @SuppressWarnings("unchecked")
        Map<String, Object> values = new KubernetesSerialization()
                .unmarshal(Files.readString(Chart.dir().resolve("values.yaml")), Map.class);

        List<String> undocumented = new ArrayList<>();
        collectUndocumented("", values, docs, undocumented);
        assertThat(undocumented).as("values missing from docs/helm.md").isEmpty();

        Matcher m = TABLE_VALUE.matcher(docs);
        List<String> listed = new ArrayList<>();
        while (m.find()) {
            listed.add(m.group(1));
        }
        assertThat(listed).as("values listed in docs/helm.md").isNotEmpty()
                .allSatisfy(path -> assertThat(resolves(values, path)).as("docs/helm.md lists %s, which values.yaml lacks", path).isTrue());
    }

    /** A value is documented when "| `path` |" starts a table row; a map that is not documented as a whole must be, key by key. */
    @SuppressWarnings("unchecked")
    private static void collectUndocumented(String prefix, Map<String, Object> map, String docs, List<String> out) {
        map.forEach((key, value) -> {
            String path = prefix.isEmpty() ? key : prefix + "." + key;
            if (docs.contains("| `" + path + "` |")) {
                return;
            }
            if (value instanceof Map<?, ?> nested && !nested.isEmpty()) {
                collectUndocumented(path, (Map<String, Object>) nested, docs, out);
            } else {
                out.add(path);
            }
        });
    }

    @SuppressWarnings("unchecked")
    private static boolean resolves(Map<String, Object> values, String path) {
        Object cur = values;
        for (String part : path.split("\\.")) {
            if (!(cur instanceof Map<?, ?> m) || !m.containsKey(part)) {
                return false;
            }
            cur = ((Map<String, Object>) m).get(part);
        }
        return true;
    }
}
