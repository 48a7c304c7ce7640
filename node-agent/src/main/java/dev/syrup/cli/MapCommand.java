package dev.syrup.cli;

import picocli.CommandLine.Command;

@Command(name = "map", description = {
        "Read and write the maps a deployment's policy declares.",
        "KEY and VALUE: an integer (42, 0x2a, -1) in the machine's byte order, sized to the map's key "
                + "or value; or raw bytes as hex:2a000000."},
        subcommands = {MapGetCommand.class, MapSetCommand.class, MapDeleteCommand.class, MapDumpCommand.class})
public final class MapCommand extends SyrupCommand {
    @Override
    protected int run() { throw usage("missing subcommand: get, set, delete or dump"); }
}
