package dev.syrup.cli;

import dev.syrup.client.SyrupClient;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The --socket option: where syrupd listens. The flag wins over $SYRUP_SOCKET, which wins over the default. */
public final class DaemonSocket {
    @Option(names = "--socket", paramLabel = "PATH",
            description = "syrupd's socket (default: $SYRUP_SOCKET, else /run/syrup/syrupd.sock)")
    Path socket;

    public Path path() { return socket != null ? socket : SyrupClient.defaultSocket(); }

    public SyrupClient connect() { return SyrupClient.connect(path()); }
}
