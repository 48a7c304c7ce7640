package dev.syrup.cli;

import dev.syrup.client.SyrupClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "remove", description = "Detach a deployment from all its hooks and drop its maps.")
public final class RemoveCommand extends SyrupCommand {
    @Mixin
    DaemonSocket daemon;

    @Parameters(index = "0", paramLabel = "ID", description = "The deployment")
    String id;

    @Option(names = "--force", description = "Remove another user's deployment (root only)")
    boolean force;

    @Override
    protected int run() {
        try (SyrupClient client = daemon.connect()) {
            client.remove(id, force);
        }
        println("removed " + id);
        return ExitCodes.OK;
    }
}
