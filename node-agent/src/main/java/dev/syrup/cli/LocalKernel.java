package dev.syrup.cli;

import dev.syrup.bpf.Bpffs;
import dev.syrup.hook.PinLayout;
import dev.syrup.policy.ObjectCache;
import dev.syrup.policy.PolicyCompiler;
import dev.syrup.policy.Sdk;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * What `check` and `test` run policies with, in this process and without syrupd: the compiler
 * and cache syrupd uses, and a pin root for scratch maps. Loading programs needs root.
 */
public final class LocalKernel {
    @Option(names = "--cache-dir", paramLabel = "PATH", defaultValue = "/var/cache/syrup",
            description = "The policy SDK and compiled policies (default: ${DEFAULT-VALUE})")
    Path cacheDir;

    @Option(names = "--pin-root", paramLabel = "PATH", defaultValue = "/sys/fs/bpf/syrup",
            description = "bpffs directory for scratch maps, removed afterwards (default: ${DEFAULT-VALUE})")
    Path pinRoot;

    PolicyCompiler compiler() {
        Sdk sdk = Sdk.extract(cacheDir);
        return new PolicyCompiler(sdk, new ObjectCache(cacheDir.resolve("objects")));
    }

    PinLayout layout() {
        if (!Bpffs.isMounted(pinRoot)) {
            throw new IllegalStateException("no bpffs is mounted at " + pinRoot
                    + " (mount it with: mount -t bpf bpf /sys/fs/bpf)");
        }
        return new PinLayout(pinRoot);
    }

    /** A hint to append to a failure: loading BPF programs takes root. */
    static String rootHint() {
        try {
            return (int) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0 ? ""
                    : " (loading BPF programs needs root)";
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
