package dev.syrup.cli;

import dev.syrup.client.SyrupClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "set", description = "Set KEY to VALUE; an integer VALUE in a per-CPU map is set on every CPU.")
public final class MapSetCommand extends MapSubcommand {
    @Parameters(index = "2", paramLabel = "KEY", description = "An integer, or hex:BYTES")
    String key;

    @Parameters(index = "3", paramLabel = "VALUE", description = "An integer, or hex:BYTES")
    String value;

    @Override
    protected int run() {
        try (SyrupClient client = daemon.connect()) {
            MapCodec codec = codec(client);
            client.mapSet(id, map, codec.key(key), codec.value(value), force);
        }
        return ExitCodes.OK;
    }
}
