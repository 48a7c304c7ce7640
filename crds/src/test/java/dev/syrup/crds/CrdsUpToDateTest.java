package dev.syrup.crds;

import dev.syrup.k8s.testing.Crds;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The chart ships the CRDs generated from this module's model; `make crds` refreshes them. */
class CrdsUpToDateTest {
    @Test
    void chartCrdsMatchTheGeneratedOnes() throws IOException {
        Path generated = Path.of("target/crds");
        try (Stream<Path> files = Files.list(generated)) {
            var names = files.map(p -> p.getFileName().toString()).sorted().toList();
            assertThat(names).containsExactly("schedulingpolicies.syrup.dev-v1.yml", "schedulingpolicynodes.syrup.dev-v1.yml",
                    "schedulingpolicyrules.syrup.dev-v1.yml");
            for (String name : names) {
                assertThat(Crds.chartCrds().resolve(name)).as("helm/syrup/crds/%s is stale: run make crds", name)
                        .hasSameTextualContentAs(generated.resolve(name));
            }
        }
    }
}
