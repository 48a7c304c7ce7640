package dev.syrup.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.syrup.crds.SyrupLabels;
import dev.syrup.crds.v1alpha1.HookType;
import dev.syrup.crds.v1alpha1.PolicyConditions;
import dev.syrup.crds.v1alpha1.PolicyHook;
import dev.syrup.crds.v1alpha1.PolicyReasons;
import dev.syrup.crds.v1alpha1.SchedulingPolicy;
import dev.syrup.crds.v1alpha1.SchedulingPolicyNode;
import dev.syrup.crds.v1alpha1.SchedulingPolicyRules;
import dev.syrup.operator.testing.Objects;
import dev.syrup.operator.testing.OperatorFixture;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every policy of the hostile corpus (src/test/resources/hostile-policies), sent as a SchedulingPolicy to the
 * packaged operator on a real API server, is refused in the policy's status with the corpus' expectation:
 * Compiled=False with reason PolicyForbidden (kind forbidden) or CompileFailed (kind compile), a message that
 * quotes no byte of the canary file or /etc/passwd, and no SchedulingPolicyNode object, so nothing reaches a
 * node although a selected pod runs on one. Thread policies are sent to a namespace the rules allow the
 * thread hook, so that it is the policy, not the hook, that is refused.
 */
class HostilePolicyIT {
    private static final Path CORPUS = Path.of(System.getProperty("syrup.hostile", "../src/test/resources/hostile-policies"));
    private static final Path CANARY = Path.of("/tmp/syrup-hostile-canary/secret");
    private static final Pattern EXPECT = Pattern.compile("^// expect: (\\S+) (\\d+|-) (.+)$");
    private static final String CANARY_TEXT = "syrup-canary-" + UUID.randomUUID();

    static OperatorFixture fx;
    static KubernetesClient admin;
    static String ns;

    record Hostile(String file, String kind, String substring, String source) {
        @Override
        public String toString() { return file; }

        boolean thread() { return source.contains("schedule_thread"); }

        String policyName() {
            return file.replace(".c", "").replace('_', '-').toLowerCase(Locale.ROOT);
        }
    }

    @BeforeAll
    static void start() throws IOException {
        Files.createDirectories(CANARY.getParent());
        Files.writeString(CANARY, CANARY_TEXT + "\n");
        fx = OperatorFixture.shared();
        admin = fx.admin();
        ns = fx.cluster().newNamespace("hostile");
        String node = ns + "-n";
        Objects.node(admin, node);
        admin.resource("apiVersion: syrup.dev/v1alpha1\nkind: SchedulingPolicyRules\nmetadata:\n  name: default\n"
                + "spec:\n  hooks:\n    thread: {namespaces: [" + ns + "]}\n").forceConflicts().serverSideApply();
        for (Hostile h : corpus().toList()) {
            Objects.annotatedPod(admin, ns, "pod-" + h.policyName(), node, h.policyName());
        }
    }

    @AfterAll
    static void stop() {
        admin.resources(SchedulingPolicyRules.class).withName("default").delete();
    }

    static Stream<Hostile> corpus() throws IOException {
        try (Stream<Path> files = Files.list(CORPUS)) {
            return files.filter(p -> p.toString().endsWith(".c")).sorted().map(HostilePolicyIT::parse).toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void isRefusedInStatusAndReachesNoNode(Hostile h) {
        SchedulingPolicy p = Objects.policy(ns, h.policyName(), h.source());
        if (h.thread()) {
            p.getSpec().setHooks(List.of(new PolicyHook(HookType.THREAD, null)));
        }
        Objects.create(admin, p);
        SchedulingPolicy got = admin.resources(SchedulingPolicy.class).inNamespace(ns).withName(h.policyName())
                .waitUntilCondition(x -> x != null && x.getStatus() != null
                        && x.getStatus().condition(PolicyConditions.COMPILED) != null
                        && "False".equals(x.getStatus().condition(PolicyConditions.COMPILED).getStatus()), 180, TimeUnit.SECONDS);
        Condition compiled = got.getStatus().condition(PolicyConditions.COMPILED);
        assertThat(compiled.getReason()).as(compiled.getMessage())
                .isEqualTo(h.kind().equals("forbidden") ? PolicyReasons.POLICY_FORBIDDEN : PolicyReasons.COMPILE_FAILED);
        assertThat(compiled.getMessage()).contains(h.substring());
        String everything = got.getStatus().toString() + admin.events().v1().events().inNamespace(ns).list().getItems();
        assertThat(everything).doesNotContain(CANARY_TEXT);
        for (String line : passwdLines()) {
            assertThat(everything).doesNotContain(line);
        }
        assertThat(admin.resources(SchedulingPolicyNode.class).inNamespace(ns)
                .withLabel(SyrupLabels.POLICY_LABEL, h.policyName()).list().getItems()).isEmpty();
    }

    private static List<String> passwdLines() {
        try {
            return Files.readAllLines(Path.of("/etc/passwd")).stream().filter(l -> l.length() >= 12).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static Hostile parse(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.ISO_8859_1);
            Matcher m = EXPECT.matcher(text.lines().findFirst().orElse(""));
            if (!m.matches()) {
                throw new IllegalArgumentException(file + ": the first line must be // expect: KIND LINE|- SUBSTRING");
            }
            return new Hostile(file.getFileName().toString(), m.group(1), m.group(3), text);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
