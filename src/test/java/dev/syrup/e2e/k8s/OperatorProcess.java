package dev.syrup.e2e.k8s;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The real operator (operator/, a Quarkus application) in a process of its own, authenticated by a
 * kubeconfig of its chart service account. Present once the operator module is built.
 */
final class OperatorProcess implements AutoCloseable {
    private final Process process;
    final Path log;

    private OperatorProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** The operator's runnable jar, if this checkout has built one. */
    static Optional<Path> jar() {
        Path jar = Path.of(System.getProperty("syrup.home", "../.."), "operator", "target", "quarkus-app", "quarkus-run.jar");
        return Files.isRegularFile(jar) ? Optional.of(jar.toAbsolutePath().normalize()) : Optional.empty();
    }

    static OperatorProcess start(Path jar, Path kubeconfig, String namespace, Path dir) {
        Path log = dir.resolve("operator.log");
        try {
            ProcessBuilder pb = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Dquarkus.http.port=0", "-Dquarkus.kubernetes-client.devservices.enabled=false",
                    "-Dquarkus.operator-sdk.crd.apply=false", "-Dquarkus.operator-sdk.crd.validate=false",
                    "-jar", jar.toString()))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            pb.environment().put("KUBECONFIG", kubeconfig.toString());
            // As the chart's Deployment sets them: the leader election Lease lives in the release namespace.
            pb.environment().put("POD_NAMESPACE", namespace);
            pb.environment().put("POD_NAME", "syrup-operator-e2e");
            pb.environment().put("SYRUP_OPERATOR_CACHE_DIR", dir.resolve("operator-cache").toString());
            return new OperatorProcess(pb.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
