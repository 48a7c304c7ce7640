package dev.syrup.k8s.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** kube-controller-manager with only the controllers tests need: garbage collection and namespace deletion. */
final class ControllerManager {
    private final Process process;

    private ControllerManager(Process process) { this.process = process; }

    static ControllerManager start(Path binary, Path kubeconfig, Path log) {
        try {
            Process p = new ProcessBuilder(binary.toString(), "--kubeconfig=" + kubeconfig,
                    "--controllers=garbage-collector-controller,namespace-controller",
                    "--leader-elect=false", "--secure-port=0")
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            return new ControllerManager(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void stop() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
