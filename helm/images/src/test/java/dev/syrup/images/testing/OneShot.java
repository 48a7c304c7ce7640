package dev.syrup.images.testing;

import com.github.dockerjava.api.DockerClient;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.OutputFrame;
import org.testcontainers.containers.startupcheck.StartupCheckStrategy;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** A container that runs one command to its end: its exit code and what it printed (stdout and stderr). */
public record OneShot(long exitCode, String stdout, String stderr) {

    /** Starts the container, waits for it to exit, and removes it. */
    public static OneShot run(GenericContainer<?> container, Duration timeout) {
        try (container) {
            container.withStartupCheckStrategy(new StartupCheckStrategy() {
                @Override
                public StartupStatus checkStartupState(DockerClient client, String id) {
                    return StartupStatus.SUCCESSFUL; // running or already exited: the exit code is judged below
                }
            });
            container.start();
            Integer code = DockerClientFactory.instance().client().waitContainerCmd(container.getContainerId())
                    .start().awaitStatusCode(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return new OneShot(code, container.getLogs(OutputFrame.OutputType.STDOUT), container.getLogs(OutputFrame.OutputType.STDERR));
        }
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
    }
}
