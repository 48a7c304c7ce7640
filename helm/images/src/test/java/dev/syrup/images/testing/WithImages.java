package dev.syrup.images.testing;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;


/**
 * JUnit extension: one podman service per test run with both image archives loaded, and Testcontainers pointed at
 * it (DOCKER_HOST as a system property of this JVM). The service is stopped, and its storage removed, when the
 * test run ends, or when the JVM exits early.
 */
public final class WithImages implements BeforeAllCallback {
    private static Podman podman;

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(WithImages.class, k -> start(), Stopper.class);
    }

    /** The podman service of this test run. */
    public static synchronized Podman podman() {
        if (podman == null) {
            throw new IllegalStateException("the test class is not annotated with @ExtendWith(WithImages.class)");
        }
        return podman;
    }

    /** A container of the image (a reference {@link Images#reference} names), in this run's cgroup. */
    public static GenericContainer<?> container(String reference) {
        String cgroupParent = podman().cgroupParent();
        return new GenericContainer<>(DockerImageName.parse(reference))
                .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withCgroupParent(cgroupParent));
    }

    private static synchronized Stopper start() {
        long t0 = System.nanoTime();
        podman = Podman.start();
        Stopper stopper = new Stopper(podman);
        Runtime.getRuntime().addShutdownHook(new Thread(stopper::close, "podman-stop"));
        podman.load(Images.archive(Images.AGENT));
        podman.load(Images.archive(Images.OPERATOR));
        System.setProperty("DOCKER_HOST", podman.dockerHost());
        System.err.printf("podman service up with both images loaded after %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        return stopper;
    }

    private record Stopper(Podman podman) implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            podman.close();
        }
    }

}
