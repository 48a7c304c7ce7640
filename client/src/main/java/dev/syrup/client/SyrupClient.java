package dev.syrup.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.syrup.api.DeploymentView;
import dev.syrup.api.ErrorInfo;
import dev.syrup.api.HookSpec;
import dev.syrup.api.Json;
import dev.syrup.api.PolicyText;
import dev.syrup.api.Request;
import dev.syrup.api.Response;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A connection to syrupd (docs/protocol.md): one JSON line per request, one per answer. Every
 * refusal is a SyrupException carrying syrupd's error kind; so is a daemon that cannot be reached
 * (kind UNREACHABLE). Requests on one client run one at a time.
 */
public final class SyrupClient implements AutoCloseable {
    public static final Path DEFAULT_SOCKET = Path.of("/run/syrup/syrupd.sock");
    /** Environment variable naming the socket, overriding DEFAULT_SOCKET. */
    public static final String SOCKET_ENV = "SYRUP_SOCKET";
    /** Largest policy source syrupd takes. */
    public static final int MAX_POLICY_BYTES = 1 << 20;

    private final Path socket;
    private final LineChannel channel;

    private SyrupClient(Path socket, LineChannel channel) {
        this.socket = socket;
        this.channel = channel;
    }

    /** $SYRUP_SOCKET if set, else DEFAULT_SOCKET. */
    public static Path defaultSocket() { return defaultSocket(System.getenv()); }

    /** The socket named in env's SYRUP_SOCKET, else DEFAULT_SOCKET. */
    public static Path defaultSocket(Map<String, String> env) {
        String value = env.get(SOCKET_ENV);
        return value == null || value.isBlank() ? DEFAULT_SOCKET : Path.of(value);
    }

    /** Connects to syrupd at defaultSocket(). */
    public static SyrupClient connect() { return connect(defaultSocket()); }

    public static SyrupClient connect(Path socket) {
        if (!Files.exists(socket)) {
            throw notRunning("no socket at " + socket, null);
        }
        try {
            SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket));
            return new SyrupClient(socket, new LineChannel(ch, Json.MAX_LINE));
        } catch (ConnectException e) {
            throw notRunning("nothing is listening on " + socket, e);
        } catch (IOException e) {
            throw new SyrupException(SyrupException.UNREACHABLE,
                    "cannot connect to syrupd at " + socket + ": " + e.getMessage(), e);
        }
    }

    private static SyrupException notRunning(String why, Throwable cause) {
        return new SyrupException(SyrupException.UNREACHABLE,
                "syrupd is not running: " + why + " (start it with: syrup daemon)", cause);
    }

    public Path socket() { return socket; }

    // Deployments, as syrup_deploy_policy() in the paper.

    public DeploymentView deploy(Path policyFile, List<HookSpec> hooks) { return deploy(read(policyFile), hooks); }

    public DeploymentView deploy(PolicyText policy, List<HookSpec> hooks) {
        return deployment(call(Request.deploy(policy, List.copyOf(hooks))));
    }

    public DeploymentView replace(String id, Path policyFile) { return replace(id, policyFile, false); }

    public DeploymentView replace(String id, Path policyFile, boolean force) { return replace(id, read(policyFile), force); }

    public DeploymentView replace(String id, PolicyText policy, boolean force) {
        return deployment(call(Request.replace(id, policy, force)));
    }

    public void remove(String id) { remove(id, false); }

    public void remove(String id, boolean force) { call(Request.remove(id, force)); }

    public List<DeploymentView> list() {
        JsonNode deployments = field(call(Request.list()), "deployments");
        List<DeploymentView> views = new ArrayList<>();
        for (JsonNode d : deployments) {
            views.add(deployment(d));
        }
        return views;
    }

    /** syrupd's status object (docs/protocol.md, status). */
    public JsonNode status() { return call(Request.status()); }

    // Threads of this process, registered with a deployment made with HookSpec.registeredThreads.

    /**
     * registerThreads adds threads of this process (their native ids, see {@link #currentTid()}) to
     * deployment id's registered threads, all or none; returns how many the deployment holds now.
     */
    public int registerThreads(String id, Collection<Integer> tids) {
        return field(call(Request.threads("thread.register", id, List.copyOf(tids))), "registered").asInt();
    }

    /** registerCurrentThread registers the calling (platform) thread with deployment id. */
    public int registerCurrentThread(String id) { return registerThreads(id, List.of(currentTid())); }

    /**
     * unregisterThreads takes threads of this process out of deployment id's registered threads; they
     * go back to the CPUs they had before the policy moved them. Returns how many remain registered.
     */
    public int unregisterThreads(String id, Collection<Integer> tids) {
        return field(call(Request.threads("thread.unregister", id, List.copyOf(tids))), "registered").asInt();
    }

    /** unregisterCurrentThread unregisters the calling (platform) thread from deployment id. */
    public int unregisterCurrentThread(String id) { return unregisterThreads(id, List.of(currentTid())); }

    /**
     * The calling thread's native id (what gettid() returns in it), read from /proc/thread-self. A
     * virtual thread gets its carrier's, which changes: register platform threads only.
     */
    public static int currentTid() {
        try {
            Path self = Files.readSymbolicLink(Path.of("/proc/thread-self")); // "PID/task/TID"
            return Integer.parseInt(self.getFileName().toString());
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("cannot read this thread's id from /proc/thread-self: " + e.getMessage(), e);
        }
    }

    // A deployment's maps. Keys and values are raw bytes in the machine's byte order.

    /** The value at key, or empty if the map has no such key. */
    public Optional<byte[]> mapGet(String id, String map, byte[] key) { return mapGet(id, map, key, false); }

    public Optional<byte[]> mapGet(String id, String map, byte[] key, boolean force) {
        JsonNode value = call(Request.map("map.get", id, map, Hex.encode(key), null, force)).get("value");
        return value == null || value.isNull() ? Optional.empty() : Optional.of(hex(value, "value"));
    }

    public void mapSet(String id, String map, byte[] key, byte[] value) { mapSet(id, map, key, value, false); }

    public void mapSet(String id, String map, byte[] key, byte[] value, boolean force) {
        call(Request.map("map.set", id, map, Hex.encode(key), Hex.encode(value), force));
    }

    /**
     * mapPin is where a map the policy declared is pinned in bpffs: a root application opens it there
     * to map a SYRUP_MMAP_ARRAY into its memory (node-agent's MappedMap.open) and update it with
     * memory operations instead of a request each. Ownership is checked as for any map request.
     */
    public Path mapPin(String id, String map) {
        return Path.of(field(call(Request.map("map.pin", id, map, null, null, false)), "path").asText());
    }

    /** Whether key was there to delete. */
    public boolean mapDelete(String id, String map, byte[] key) { return mapDelete(id, map, key, false); }

    public boolean mapDelete(String id, String map, byte[] key, boolean force) {
        JsonNode deleted = field(call(Request.map("map.delete", id, map, Hex.encode(key), null, force)), "deleted");
        if (!deleted.isBoolean()) {
            throw protocol("'deleted' is not a boolean: " + deleted);
        }
        return deleted.booleanValue();
    }

    public MapDump mapDump(String id, String map) { return mapDump(id, map, false); }

    public MapDump mapDump(String id, String map, boolean force) {
        JsonNode r = call(Request.map("map.dump", id, map, null, null, force));
        List<MapDump.Entry> entries = new ArrayList<>();
        for (JsonNode e : field(r, "entries")) {
            entries.add(new MapDump.Entry(hex(field(e, "key"), "key"), hex(field(e, "value"), "value")));
        }
        return new MapDump(field(r, "keySize").asInt(), field(r, "valueSize").asInt(),
                field(r, "perCpu").asBoolean(), entries);
    }

    /** The u8/u16/u32/u64 value at the u32 key, zero-extended; for plain (not per-CPU) maps. */
    public long mapGetU64(String id, String map, int key) {
        byte[] v = mapGet(id, map, u32(key)).orElseThrow(() -> new SyrupException(ErrorInfo.NOT_FOUND,
                "map " + map + " of deployment " + id + " has no key " + Integer.toUnsignedString(key), null, null));
        ByteBuffer b = ByteBuffer.wrap(v).order(ByteOrder.nativeOrder());
        return switch (v.length) {
            case 1 -> b.get() & 0xffL;
            case 2 -> b.getShort() & 0xffffL;
            case 4 -> b.getInt() & 0xffffffffL;
            case 8 -> b.getLong();
            default -> throw new IllegalStateException("the value of map " + map + " is " + v.length
                    + " bytes, not an integer (a per-CPU map's value has one slot per CPU: use mapGet)");
        };
    }

    public void mapSetU32(String id, String map, int key, int value) { mapSet(id, map, u32(key), u32(value)); }

    public void mapSetU64(String id, String map, int key, long value) {
        mapSet(id, map, u32(key), ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(value).array());
    }

    private static byte[] u32(int v) { return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(v).array(); }

    /** Sends one request and returns its result, or throws syrupd's error. */
    private synchronized JsonNode call(Request request) {
        String answer;
        try {
            channel.writeLine(Json.MAPPER.writeValueAsString(request));
            answer = channel.readLine();
        } catch (LineChannel.LineTooLongException e) {
            throw protocol("an answer or request exceeds " + Json.MAX_LINE + " bytes");
        } catch (EOFException e) {
            throw new SyrupException(SyrupException.UNREACHABLE,
                    "syrupd closed the connection before answering " + request.op(), e);
        } catch (IOException e) {
            throw new SyrupException(SyrupException.UNREACHABLE,
                    "lost the connection to syrupd at " + socket + ": " + e.getMessage(), e);
        }
        Response response;
        try {
            response = Json.MAPPER.readValue(answer, Response.class);
        } catch (JsonProcessingException e) {
            throw protocol("malformed answer to " + request.op() + ": " + e.getOriginalMessage());
        }
        if (!response.ok()) {
            if (response.error() == null) {
                throw protocol("a failed answer without an error");
            }
            throw SyrupException.of(response.error());
        }
        if (response.result() == null || !response.result().isObject()) {
            throw protocol("the answer to " + request.op() + " has no result object");
        }
        return response.result();
    }

    private static DeploymentView deployment(JsonNode node) {
        try {
            return Json.MAPPER.treeToValue(node, DeploymentView.class);
        } catch (JsonProcessingException e) {
            throw protocol("malformed deployment: " + e.getOriginalMessage());
        }
    }

    private static JsonNode field(JsonNode node, String name) {
        JsonNode f = node.get(name);
        if (f == null || f.isNull()) {
            throw protocol("the answer lacks '" + name + "': " + node);
        }
        return f;
    }

    private static byte[] hex(JsonNode node, String what) {
        try {
            return Hex.decode(node.asText());
        } catch (IllegalArgumentException e) {
            throw protocol(what + ": " + e.getMessage());
        }
    }

    private static SyrupException protocol(String message) {
        return new SyrupException(SyrupException.PROTOCOL, "syrupd's answer breaks the protocol: " + message, null);
    }

    /** A policy file as sent: named by its path as given, its text UTF-8. */
    static PolicyText read(Path policyFile) {
        String name = policyFile.toString();
        try {
            long size = Files.size(policyFile);
            if (size > MAX_POLICY_BYTES) {
                throw new IllegalArgumentException(name + " is " + size + " bytes; syrupd takes policies of at most "
                        + MAX_POLICY_BYTES);
            }
            return new PolicyText(name, StandardCharsets.UTF_8.newDecoder()
                    .decode(ByteBuffer.wrap(Files.readAllBytes(policyFile))).toString());
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("cannot read " + name + ": no such file");
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("cannot read " + name + ": not UTF-8 text");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + name + ": " + e.getMessage());
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing is pending on a closed connection
        }
    }
}
