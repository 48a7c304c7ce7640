package dev.syrup.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;

/** One request to syrupd; which fields apply depends on op (docs/protocol.md). */
public record Request(String op, PolicyText policy, List<HookSpec> hooks, String id, String map, String key,
                      String value, Boolean force, List<Integer> tids, Integer sockets) {
    /** A request without "sockets" (every op but xsk.register). */
    public Request(String op, PolicyText policy, List<HookSpec> hooks, String id, String map, String key,
                   String value, Boolean force, List<Integer> tids) {
        this(op, policy, hooks, id, map, key, value, force, tids, null);
    }

    /** A request without "tids" (every op but thread.register and thread.unregister). */
    public Request(String op, PolicyText policy, List<HookSpec> hooks, String id, String map, String key,
                   String value, Boolean force) {
        this(op, policy, hooks, id, map, key, value, force, null);
    }

    public static Request deploy(PolicyText policy, List<HookSpec> hooks) {
        return new Request("deploy", policy, hooks, null, null, null, null, null);
    }

    public static Request replace(String id, PolicyText policy, boolean force) {
        return new Request("replace", policy, null, id, null, null, null, force ? true : null);
    }

    public static Request remove(String id, boolean force) {
        return new Request("remove", null, null, id, null, null, null, force ? true : null);
    }

    public static Request list() { return new Request("list", null, null, null, null, null, null, null); }

    public static Request status() { return new Request("status", null, null, null, null, null, null, null); }

    /** op is one of map.get, map.set, map.delete, map.dump; key and value are hex or null. */
    public static Request map(String op, String id, String map, String key, String value, boolean force) {
        return new Request(op, null, null, id, map, key, value, force ? true : null);
    }

    /** thread.register or thread.unregister: threads (ids as the caller's process sees them) of deployment id. */
    public static Request threads(String op, String id, List<Integer> tids) {
        return new Request(op, null, null, id, null, null, null, null, List.copyOf(tids));
    }

    /**
     * xsk.register: the AF_XDP sockets passed with this request (SCM_RIGHTS, in the same sendmsg),
     * sockets of them, become deployment id's executors 0..sockets-1 in the order passed.
     */
    public static Request xskRegister(String id, int sockets) {
        return new Request("xsk.register", null, null, id, null, null, null, null, null, sockets);
    }

    @JsonIgnore
    public boolean isForced() { return Boolean.TRUE.equals(force); }
}
