package dev.syrup.deploy;

import dev.syrup.hook.PinLayout;
import dev.syrup.bpf.Bpffs;
import dev.syrup.bpf.Netns;
import dev.syrup.policy.ObjectCache;
import dev.syrup.policy.PolicyCompiler;
import dev.syrup.policy.PolicySource;
import dev.syrup.policy.Sdk;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * A deployer as the agent runs it, on the real kernel, with its own bpffs root (removed on close)
 * and a compile cache shared by the tests of this JVM.
 */
final class TestAgent implements AutoCloseable {
    private static final Path CACHE = createCache();

    final PinLayout layout;
    final PolicyCompiler compiler;
    final Deployer deployer;
    final Sdk sdk;

    TestAgent() {
        layout = new PinLayout(Path.of("/sys/fs/bpf/syrup-test-" + UUID.randomUUID().toString().substring(0, 8)));
        sdk = Sdk.extract(CACHE);
        compiler = new PolicyCompiler(sdk, new ObjectCache(CACHE.resolve("objects")));
        deployer = new Deployer(layout, compiler, sdk, Netns.XDP_MODE_AUTO);
    }

    private static Path createCache() {
        try {
            return Files.createTempDirectory("syrup-test-cache");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static PolicySource example(String name) {
        return PolicySource.fromFile(Path.of(System.getProperty("syrup.examples"), "policies", name));
    }

    static PolicySource testPolicy(String name) {
        try {
            return PolicySource.fromFile(Path.of(TestAgent.class.getResource("/policies/" + name).toURI()));
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Override
    public void close() {
        for (Deployment d : deployer.list()) {
            deployer.remove(d.id());
        }
        Bpffs.removeTree(layout.root());
    }
}
