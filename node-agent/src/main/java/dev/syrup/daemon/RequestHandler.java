package dev.syrup.daemon;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.syrup.api.ErrorInfo;
import dev.syrup.api.HookSpec;
import dev.syrup.api.Json;
import dev.syrup.api.Request;
import dev.syrup.api.Response;
import dev.syrup.bpf.BpfMap;
import dev.syrup.deploy.Deployer;
import dev.syrup.deploy.Deployment;
import dev.syrup.deploy.NoSuchMapException;
import dev.syrup.deploy.PortConflictException;
import dev.syrup.hook.HookTarget;
import dev.syrup.hook.TargetUnavailableException;
import dev.syrup.policy.CompileException;
import dev.syrup.policy.Diagnostic;
import dev.syrup.policy.PolicyException;
import dev.syrup.policy.PolicyForbiddenException;
import dev.syrup.policy.PolicySource;
import dev.syrup.policy.VerificationException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Answers one request of one caller (docs/protocol.md). Never throws: failures become error responses. */
final class RequestHandler {
    private static final HexFormat HEX = HexFormat.of();
    /**
     * Requests are read as the protocol types them: no "9000" for 9000, no 1 or "true" for true,
     * no 42 for a string, nothing after the object and no field twice.
     */
    private static final ObjectReader READER = strictReader();

    private final Deployer deployer;
    private final RecordStore records;
    private final Map<String, DeploymentRecord.Owner> owners;
    private final DaemonOptions options;
    private final List<String> repaired;
    private final int adopted;
    private final Instant started = Instant.now();
    private final Log log;
    private final PodScope pods;

    RequestHandler(Deployer deployer, RecordStore records, ConcurrentHashMap<String, DeploymentRecord.Owner> owners,
                   DaemonOptions options, List<String> repaired, Log log) {
        this(deployer, records, owners, options, repaired, log, null);
    }

    /** pods (Kubernetes mode; null otherwise) confines callers inside a pod to their own pod's deployments. */
    RequestHandler(Deployer deployer, RecordStore records, ConcurrentHashMap<String, DeploymentRecord.Owner> owners,
                   DaemonOptions options, List<String> repaired, Log log, PodScope pods) {
        this.pods = pods;
        this.deployer = deployer;
        this.records = records;
        this.owners = owners;
        this.options = options;
        this.repaired = List.copyOf(repaired);
        this.adopted = owners.size();
        this.log = log;
    }

    Response handle(String line, PeerIdentity peer) {
        Request request;
        try {
            request = READER.readValue(line);
        } catch (JsonProcessingException e) {
            return error(ErrorInfo.INVALID_REQUEST, "malformed request: " + describe(e));
        }
        if (request == null || request.op() == null) {
            return error(ErrorInfo.INVALID_REQUEST, "a request needs \"op\"");
        }
        try {
            String pod = pods == null ? null : pods.podOf(peer);
            return Response.success(pod != null ? dispatchForPod(request, peer, pod) : dispatch(request, peer));
        } catch (NoSuchMapException e) {
            return error(ErrorInfo.NOT_FOUND, e.getMessage());
        } catch (CompileException e) {
            // file and line are the policy's: an error clang reports in an SDK file (a policy without
            // schedule(), an unclosed brace) has no line the user could go to.
            String file = policyName(request);
            Diagnostic first = e.diagnostics().stream()
                    .filter(d -> d.severity().isError() && file.equals(d.file()) && d.line() > 0).findFirst().orElse(null);
            return Response.failure(new ErrorInfo(ErrorInfo.COMPILE, e.getMessage(), file,
                    first == null ? null : first.line()));
        } catch (VerificationException e) {
            return Response.failure(new ErrorInfo(ErrorInfo.VERIFIER, e.getMessage(), e.file(),
                    e.line() > 0 ? e.line() : null));
        } catch (PolicyForbiddenException e) {
            return Response.failure(new ErrorInfo(ErrorInfo.FORBIDDEN, e.getMessage(), e.file(),
                    e.line() > 0 ? e.line() : null));
        } catch (PolicyException | IllegalArgumentException e) {
            return error(ErrorInfo.INVALID_REQUEST, e.getMessage());
        } catch (ForbiddenException e) {
            return error(ErrorInfo.FORBIDDEN, e.getMessage());
        } catch (NotFoundException e) {
            return error(ErrorInfo.NOT_FOUND, e.getMessage());
        } catch (PortConflictException e) {
            return error(ErrorInfo.CONFLICT, e.getMessage());
        } catch (TargetUnavailableException e) {
            return error(ErrorInfo.UNAVAILABLE, e.getMessage());
        } catch (RuntimeException e) {
            log.error("request " + request.op() + " of pid " + peer.pid() + " failed", e);
            return error(ErrorInfo.INTERNAL, e.toString());
        }
    }

    private JsonNode dispatch(Request r, PeerIdentity peer) {
        switch (r.op()) {
            case "deploy": return deploy(r, peer);
            case "replace": return replace(r, peer);
            case "remove": return remove(r, peer);
            case "list": return list(null);
            case "status": return status();
            case "map.get": case "map.set": case "map.delete": case "map.dump": return map(r, peer);
            case "map.pin": return mapPin(r, peer);
            case "thread.register": case "thread.unregister": return threads(r, peer);
            default: throw new IllegalArgumentException("unknown op '" + r.op()
                    + "' (deploy, replace, remove, list, status, map.get, map.set, map.delete, map.dump, map.pin,"
                    + " thread.register, thread.unregister)");
        }
    }

    /**
     * A caller inside a pod: it may list its pod's deployments and use their maps; deployments are made
     * by the agent from SchedulingPolicy objects, so nothing else is open to it.
     */
    private JsonNode dispatchForPod(Request r, PeerIdentity peer, String pod) {
        switch (r.op()) {
            case "list": return list(pod);
            case "map.get": case "map.set": case "map.delete": case "map.dump":
                ownedByPod(r, pod);
                return mapOp(r);
            case "map.pin":
                ownedByPod(r, pod);
                return pinOf(r);
            default: throw new ForbiddenException("'" + r.op() + "' is not open to pods (you are in pod " + pod
                    + "): the node agent deploys policies from SchedulingPolicy objects; a pod may list its own"
                    + " deployments and use their maps");
        }
    }

    private void ownedByPod(Request r, String pod) {
        if (r.id() == null) {
            throw new IllegalArgumentException(r.op() + " needs \"id\"");
        }
        DeploymentRecord.Owner owner = owners.get(r.id());
        if (owner == null) {
            throw new NotFoundException("no deployment with id " + r.id());
        }
        if (!pod.equals(owner.pod())) {
            throw new ForbiddenException("deployment " + r.id() + " does not target your pod (" + pod + ")");
        }
    }

    private JsonNode deploy(Request r, PeerIdentity peer) {
        PolicySource source = policy(r);
        if (r.hooks() == null || r.hooks().isEmpty()) {
            throw new IllegalArgumentException("deploy needs at least one entry in \"hooks\"");
        }
        List<HookTarget> targets = new ArrayList<>();
        for (HookSpec spec : r.hooks()) {
            if (spec == null) {
                throw new IllegalArgumentException("every entry in \"hooks\" must be an object");
            }
            HookTarget t = HookTargets.of(spec, peer);
            Authorizer.checkTarget(t, peer);
            targets.add(t);
        }
        Deployment d = deployer.deploy(source, targets);
        DeploymentRecord.Owner owner = DeploymentRecord.Owner.of(peer);
        records.save(DeploymentRecord.of(d, owner));
        owners.put(d.id(), owner);
        log.info("deployed " + d.id() + " (" + d.policyName() + ") for uid " + peer.uid() + " at "
                + targets.stream().map(HookTarget::key).toList());
        return Json.MAPPER.valueToTree(Views.of(d, owner, deployer));
    }

    private JsonNode replace(Request r, PeerIdentity peer) {
        DeploymentRecord.Owner owner = owned(r, peer);
        Deployment d = deployer.replace(r.id(), policy(r));
        records.save(DeploymentRecord.of(d, owner, records.get(d.id()).map(DeploymentRecord::binding).orElse(null)));
        log.info("replaced the policy of " + d.id() + " with " + d.policyName());
        return Json.MAPPER.valueToTree(Views.of(d, owner, deployer));
    }

    private JsonNode remove(Request r, PeerIdentity peer) {
        owned(r, peer);
        deployer.remove(r.id());
        records.delete(r.id());
        owners.remove(r.id());
        log.info("removed " + r.id());
        return Json.MAPPER.createObjectNode();
    }

    /** Every deployment, or with pod set only those made for that pod. */
    private JsonNode list(String pod) {
        List<Object> views = new ArrayList<>();
        for (Deployment d : deployer.list()) {
            DeploymentRecord.Owner owner = owners.get(d.id());
            if (owner != null && (pod == null || pod.equals(owner.pod()))) {
                views.add(Views.of(d, owner, deployer));
            }
        }
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.set("deployments", Json.MAPPER.valueToTree(views));
        return out;
    }

    private JsonNode status() {
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("version", Syrupd.VERSION);
        out.put("pinRoot", deployer.layout().root().toString());
        out.put("stateDir", options.stateDir().toString());
        out.put("deployments", deployer.list().size());
        out.put("uptimeSeconds", Duration.between(started, Instant.now()).toSeconds());
        out.put("adopted", adopted);
        deployer.threadBackend().ifPresent(b -> out.put("threadBackend", b.name()));
        out.set("repaired", Json.MAPPER.valueToTree(repaired));
        return out;
    }

    private JsonNode map(Request r, PeerIdentity peer) {
        owned(r, peer);
        return mapOp(r);
    }

    private JsonNode mapOp(Request r) {
        if (r.map() == null) {
            throw new IllegalArgumentException(r.op() + " needs \"map\"");
        }
        ObjectNode out = Json.MAPPER.createObjectNode();
        try (BpfMap map = deployer.openMap(r.id(), r.map())) {
            switch (r.op()) {
                case "map.get" -> map.lookup(hex(r.key(), "key")).ifPresent(v -> out.put("value", HEX.formatHex(v)));
                case "map.set" -> map.update(hex(r.key(), "key"), hex(r.value(), "value"));
                case "map.delete" -> out.put("deleted", map.delete(hex(r.key(), "key")));
                default -> {
                    out.put("keySize", map.info().keySize());
                    out.put("valueSize", map.info().valueSize());
                    out.put("perCpu", map.isPerCpu());
                    var entries = out.putArray("entries");
                    for (byte[] key : map.keys()) {
                        map.lookup(key).ifPresent(v -> entries.addObject().put("key", HEX.formatHex(key))
                                .put("value", HEX.formatHex(v)));
                    }
                }
            }
        }
        return out;
    }

    private JsonNode mapPin(Request r, PeerIdentity peer) {
        owned(r, peer);
        return pinOf(r);
    }

    private JsonNode pinOf(Request r) {
        if (r.map() == null) {
            throw new IllegalArgumentException("map.pin needs \"map\"");
        }
        return Json.MAPPER.createObjectNode().put("path", deployer.mapPin(r.id(), r.map()).toString());
    }

    /**
     * thread.register and thread.unregister: the caller adds threads of its own process to a
     * deployment of registered threads, or takes them out (they go back to their original CPUs).
     */
    private JsonNode threads(Request r, PeerIdentity peer) {
        if (r.id() == null) {
            throw new IllegalArgumentException(r.op() + " needs \"id\"");
        }
        if (r.tids() == null || r.tids().isEmpty()) {
            throw new IllegalArgumentException(r.op() + " needs \"tids\": the ids of threads of your process");
        }
        if (r.tids().size() > dev.syrup.hook.thread.ThreadAttacher.MAX_REGISTERED) {
            throw new IllegalArgumentException("at most " + dev.syrup.hook.thread.ThreadAttacher.MAX_REGISTERED
                    + " threads per request");
        }
        for (Integer tid : r.tids()) {
            if (tid == null || tid <= 0) {
                throw new IllegalArgumentException("\"tids\" are positive thread ids");
            }
        }
        DeploymentRecord.Owner owner = owners.get(r.id());
        if (owner == null) {
            throw new NotFoundException("no deployment with id " + r.id());
        }
        dev.syrup.hook.ThreadTarget target = deployer.registeredThreadTarget(r.id());
        Authorizer.checkRegistrant(r.id(), owner, peer);
        Map<Integer, Integer> host = CallerThreads.resolve(peer.pid(), r.tids());
        int now;
        if (r.op().equals("thread.register")) {
            Map<Integer, Integer> threads = new java.util.LinkedHashMap<>();
            for (Map.Entry<Integer, Integer> t : host.entrySet()) {
                if (!dev.syrup.hook.thread.Cgroups.contains(target.cgroup(), t.getValue())) {
                    throw new ForbiddenException("thread " + t.getKey() + " is not in cgroup " + target.cgroup().path()
                            + ", whose threads deployment " + r.id() + " schedules");
                }
                threads.put(t.getValue(), peer.pid());
            }
            now = deployer.registerThreads(r.id(), threads);
        } else {
            now = deployer.unregisterThreads(r.id(), host.values());
        }
        log.info((r.op().equals("thread.register") ? "registered" : "unregistered") + " threads " + host.values()
                + " of pid " + peer.pid() + " with " + r.id());
        return Json.MAPPER.createObjectNode().put("registered", now);
    }

    private DeploymentRecord.Owner owned(Request r, PeerIdentity peer) {
        if (r.id() == null) {
            throw new IllegalArgumentException(r.op() + " needs \"id\"");
        }
        DeploymentRecord.Owner owner = owners.get(r.id());
        if (owner == null) {
            throw new NotFoundException("no deployment with id " + r.id());
        }
        Authorizer.checkOwner(r.id(), owner, peer, r);
        return owner;
    }

    private static PolicySource policy(Request r) {
        if (r.policy() == null || r.policy().source() == null) {
            throw new IllegalArgumentException(r.op() + " needs \"policy\": {\"name\", \"source\"}");
        }
        return PolicySource.of(policyName(r), r.policy().source().getBytes(StandardCharsets.UTF_8));
    }

    /** The name the request's policy is shown under in messages. */
    private static String policyName(Request r) {
        String name = r.policy() == null ? null : r.policy().name();
        return name == null || name.isBlank() ? "policy.c" : name;
    }

    private static byte[] hex(String s, String what) {
        if (s == null) {
            throw new IllegalArgumentException("\"" + what + "\" is required (hex bytes)");
        }
        try {
            return HEX.parseHex(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("\"" + what + "\" is not hex: " + e.getMessage());
        }
    }

    private static ObjectReader strictReader() {
        JsonMapper m = ((JsonMapper) Json.MAPPER).rebuild()
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        m.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        return m.readerFor(Request.class);
    }

    /** What is wrong with a request that does not parse, naming the field where there is one. */
    private static String describe(JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException u) {
            List<JsonMappingException.Reference> path = u.getPath();
            String where = path.size() > 1 ? " in \"" + path(path.subList(0, path.size() - 1)) + "\"" : "";
            return "unknown field \"" + u.getPropertyName() + "\"" + where + " (known: "
                    + String.join(", ", u.getKnownPropertyIds().stream().map(String::valueOf).sorted().toList()) + ")";
        }
        if (e instanceof MismatchedInputException m && m.getOriginalMessage().startsWith("Trailing token")) {
            return "more data after the request object (one request per line)";
        }
        if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            String what = m.getPath().isEmpty() ? "a request" : "\"" + path(m.getPath()) + "\"";
            return what + " must be " + expected(m.getTargetType());
        }
        String msg = e.getOriginalMessage();
        int marker = msg.indexOf(" (start marker at");
        return marker > 0 ? msg.substring(0, marker) : msg;
    }

    private static String path(List<JsonMappingException.Reference> path) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : path) {
            if (r.getFieldName() != null) {
                sb.append(sb.length() == 0 ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static String expected(Class<?> type) {
        if (type == Integer.class || type == int.class) {
            return "an integer";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        return "an object";
    }

    private static Response error(String kind, String message) {
        return Response.failure(new ErrorInfo(kind, message, null, null));
    }

    /** No such deployment, map or key. */
    static final class NotFoundException extends RuntimeException {
        NotFoundException(String message) { super(message); }
    }
}
