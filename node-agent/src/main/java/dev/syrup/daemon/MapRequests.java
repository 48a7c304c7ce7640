package dev.syrup.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.syrup.api.Json;
import dev.syrup.api.Request;
import dev.syrup.error.DomainException;
import dev.syrup.node.DeploymentService;
import java.util.HexFormat;

/**
 * map.get, map.set, map.delete, map.dump and map.pin on a map the deployment's policy declared;
 * keys and values travel as hex. The caller's right to the deployment is checked before.
 */
final class MapRequests {
    private static final HexFormat HEX = HexFormat.of();

    private final DeploymentService deployments;

    MapRequests(DeploymentService deployments) { this.deployments = deployments; }

    JsonNode handle(Request r) {
        String map = map(r);
        ObjectNode out = Json.MAPPER.createObjectNode();
        switch (r.op()) {
            case "map.get" -> deployments.mapLookup(r.id(), map, hex(r.key(), "key"))
                    .ifPresent(v -> out.put("value", HEX.formatHex(v)));
            case "map.set" -> deployments.mapUpdate(r.id(), map, hex(r.key(), "key"), hex(r.value(), "value"));
            case "map.delete" -> out.put("deleted", deployments.mapDelete(r.id(), map, hex(r.key(), "key")));
            case "map.dump" -> {
                DeploymentService.MapContents c = deployments.mapDump(r.id(), map);
                out.put("keySize", c.shape().keySize());
                out.put("valueSize", c.shape().valueSize());
                out.put("perCpu", c.shape().perCpu());
                ArrayNode entries = out.putArray("entries");
                c.entries().forEach(e -> entries.addObject().put("key", HEX.formatHex(e.key()))
                        .put("value", HEX.formatHex(e.value())));
            }
            case "map.pin" -> out.put("path", deployments.mapPin(r.id(), map));
            default -> throw new IllegalStateException("not a map op: " + r.op());
        }
        return out;
    }

    private static String map(Request r) {
        if (r.map() == null) {
            throw DomainException.invalid(r.op() + " needs \"map\"");
        }
        return r.map();
    }

    private static byte[] hex(String s, String what) {
        if (s == null) {
            throw DomainException.invalid("\"" + what + "\" is required (hex bytes)");
        }
        try {
            return HEX.parseHex(s);
        } catch (IllegalArgumentException e) {
            throw DomainException.invalid("\"" + what + "\" is not hex: " + e.getMessage());
        }
    }
}
