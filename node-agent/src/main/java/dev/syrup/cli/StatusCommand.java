package dev.syrup.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syrup.client.SyrupClient;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "status", description = "Show syrupd's version, uptime, state and what it repaired at start.")
public final class StatusCommand extends SyrupCommand {
    @Mixin
    DaemonSocket daemon;

    @Option(names = "--json", description = "Print syrupd's status object")
    boolean json;

    @Override
    protected int run() throws Exception {
        JsonNode status;
        try (SyrupClient client = daemon.connect()) {
            status = client.status();
        }
        if (json) {
            printJson(status);
            return ExitCodes.OK;
        }
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("syrupd", text(status, "version") + ", up " + uptime(status.path("uptimeSeconds").asLong())));
        rows.add(List.of("socket", daemon.path().toString()));
        rows.add(List.of("pin root", text(status, "pinRoot")));
        rows.add(List.of("state dir", text(status, "stateDir")));
        rows.add(List.of("deployments", text(status, "deployments") + " (" + text(status, "adopted")
                + " adopted at start)"));
        JsonNode targets = status.path("targets");
        if (targets.isObject()) {
            rows.add(List.of("socket-select", targets.path("attached").asInt() + " attached, "
                    + targets.path("waiting").asInt() + " waiting, " + targets.path("failed").asInt() + " failed"));
        }
        for (JsonNode r : status.path("repaired")) {
            rows.add(List.of("repaired", r.asText()));
        }
        out().print(Table.format(rows.stream().map(r -> List.of(r.get(0) + ":", r.get(1))).toList()));
        out().flush();
        return ExitCodes.OK;
    }

    private static String text(JsonNode status, String field) {
        JsonNode v = status.get(field);
        return v == null || v.isNull() ? "?" : v.asText();
    }

    /** e.g. 3d 4h, 2h 5m, 42s */
    static String uptime(long s) {
        if (s >= 86400) {
            return s / 86400 + "d " + s % 86400 / 3600 + "h";
        }
        if (s >= 3600) {
            return s / 3600 + "h " + s % 3600 / 60 + "m";
        }
        return s >= 60 ? s / 60 + "m " + s % 60 + "s" : s + "s";
    }
}
