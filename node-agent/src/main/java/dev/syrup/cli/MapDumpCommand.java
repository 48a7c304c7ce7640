package dev.syrup.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.syrup.api.Json;
import dev.syrup.client.Hex;
import dev.syrup.client.MapDump;
import dev.syrup.client.SyrupClient;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "dump", description = "Print every entry of the map.")
public final class MapDumpCommand extends MapSubcommand {
    @Option(names = "--json", description = "Print the dump as syrupd sends it (keys and values in hex)")
    boolean json;

    @Override
    protected int run() throws Exception {
        MapDump dump;
        try (SyrupClient client = daemon.connect()) {
            dump = client.mapDump(id, map, force);
        }
        if (json) {
            printJson(toJson(dump));
        } else if (dump.entries().isEmpty()) {
            println(where() + " is empty");
        } else {
            out().print(Table.format(rows(dump)));
            out().flush();
        }
        return ExitCodes.OK;
    }

    static List<List<String>> rows(MapDump dump) {
        MapCodec codec = MapCodec.of(dump);
        List<List<String>> rows = new ArrayList<>();
        rows.add(dump.perCpu() ? List.of("KEY", "SUM", "PER CPU") : List.of("KEY", "VALUE"));
        for (MapDump.Entry e : dump.entries()) {
            String key = codec.formatKey(e.key());
            String values = String.join(" ", codec.formatValue(e.value()));
            if (dump.perCpu()) {
                String sum = codec.sum(e.value());
                rows.add(List.of(key, sum == null ? "-" : sum, values));
            } else {
                rows.add(List.of(key, values));
            }
        }
        return rows;
    }

    static ObjectNode toJson(MapDump dump) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("keySize", dump.keySize()).put("valueSize", dump.valueSize()).put("perCpu", dump.perCpu());
        ArrayNode entries = o.putArray("entries");
        for (MapDump.Entry e : dump.entries()) {
            entries.addObject().put("key", Hex.encode(e.key())).put("value", Hex.encode(e.value()));
        }
        return o;
    }
}
