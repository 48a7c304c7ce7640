package dev.syrup.cli;

import dev.syrup.daemon.DaemonOptions;
import dev.syrup.daemon.Syrupd;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "daemon", description = "Run syrupd, the node agent, in the foreground (as root).")
public class DaemonCommand extends SyrupCommand {
    @Mixin
    DaemonSocket socket;

    @Option(names = "--pin-root", paramLabel = "PATH", defaultValue = "/sys/fs/bpf/syrup",
            description = "Where deployments are pinned in bpffs (default: ${DEFAULT-VALUE})")
    Path pinRoot;

    @Option(names = "--state-dir", paramLabel = "PATH", defaultValue = "/run/syrup/state",
            description = "Where syrupd records its deployments (default: ${DEFAULT-VALUE})")
    Path stateDir;

    @Option(names = "--cache-dir", paramLabel = "PATH", defaultValue = "/var/cache/syrup",
            description = "The policy SDK and compiled policies (default: ${DEFAULT-VALUE})")
    Path cacheDir;

    DaemonOptions options() { return new DaemonOptions(socket.path(), pinRoot, stateDir, cacheDir); }

    @Override
    protected int run() throws Exception {
        Syrupd.main(options());
        return ExitCodes.OK;
    }
}
