package dev.syrup.cli;

import dev.syrup.client.SyrupClient;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** What every map subcommand names: the deployment and its map. */
abstract class MapSubcommand extends SyrupCommand {
    @Mixin
    DaemonSocket daemon;

    @Parameters(index = "0", paramLabel = "ID", description = "The deployment")
    String id;

    @Parameters(index = "1", paramLabel = "MAP", description = "The map's name in the policy")
    String map;

    @Option(names = "--force", description = "Use another user's deployment (root only)")
    boolean force;

    /** The protocol has no map description: the sizes come from a dump. */
    MapCodec codec(SyrupClient client) { return MapCodec.of(client.mapDump(id, map, force)); }

    String where() { return "map " + map + " of deployment " + id; }
}
