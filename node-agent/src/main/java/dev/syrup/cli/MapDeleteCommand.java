package dev.syrup.cli;

import dev.syrup.client.SyrupClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "delete", description = "Delete KEY; fails if the map has no such key.")
public final class MapDeleteCommand extends MapSubcommand {
    @Parameters(index = "2", paramLabel = "KEY", description = "An integer, or hex:BYTES")
    String key;

    @Override
    protected int run() {
        try (SyrupClient client = daemon.connect()) {
            if (!client.mapDelete(id, map, codec(client).key(key), force)) {
                err().println("syrup: " + where() + " has no key " + key);
                err().flush();
                return ExitCodes.FAILED;
            }
        }
        return ExitCodes.OK;
    }
}
