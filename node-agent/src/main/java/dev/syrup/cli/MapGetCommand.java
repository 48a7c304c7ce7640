package dev.syrup.cli;

import dev.syrup.client.SyrupClient;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "get", description = "Print the value at KEY; for a per-CPU map each CPU's value and their sum.")
public final class MapGetCommand extends MapSubcommand {
    @Parameters(index = "2", paramLabel = "KEY", description = "An integer, or hex:BYTES")
    String key;

    @Override
    protected int run() {
        try (SyrupClient client = daemon.connect()) {
            MapCodec codec = codec(client);
            Optional<byte[]> value = client.mapGet(id, map, codec.key(key), force);
            if (value.isEmpty()) {
                err().println("syrup: " + where() + " has no key " + key);
                err().flush();
                return ExitCodes.FAILED;
            }
            List<String> values = codec.formatValue(value.get());
            if (!codec.perCpu()) {
                println(values.get(0));
                return ExitCodes.OK;
            }
            for (int cpu = 0; cpu < values.size(); cpu++) {
                out().println("cpu" + cpu + " " + values.get(cpu));
            }
            String sum = codec.sum(value.get());
            if (sum != null) {
                out().println("sum " + sum);
            }
            out().flush();
        }
        return ExitCodes.OK;
    }
}
