package dev.syrup.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syrup.api.Request;
import dev.syrup.api.Response;
import dev.syrup.bpf.Fd;
import dev.syrup.error.DomainException;
import dev.syrup.node.DeploymentRecord.Owner;
import dev.syrup.node.DeploymentService;
import java.nio.file.Path;
import java.util.List;

/**
 * Answers one request of one caller (docs/protocol.md): reads it, checks the caller's right to what
 * it names and routes it to the handler of its op. Never throws: failures become error responses.
 */
final class RequestHandler {
    private final DeploymentService deployments;
    private final DeploymentRequests deploymentRequests;
    private final MapRequests mapRequests;
    private final ThreadRequests threadRequests;
    private final SocketRequests socketRequests;
    private final Log log;
    private final PodScope pods;

    /** pods (Kubernetes mode; null otherwise) confines callers inside a pod to their own pod's deployments. */
    RequestHandler(DeploymentService deployments, Path pinRoot, Path stateDir, List<String> repaired, Log log,
                   PodScope pods) {
        this.deployments = deployments;
        this.deploymentRequests = new DeploymentRequests(deployments, pinRoot, stateDir, repaired, log);
        this.mapRequests = new MapRequests(deployments);
        this.threadRequests = new ThreadRequests(deployments, log);
        this.socketRequests = new SocketRequests(deployments, log);
        this.log = log;
        this.pods = pods;
    }

    Response handle(String line, PeerIdentity peer) { return handle(line, peer, List.of()); }

    /** fds: the descriptors that came with the request (xsk.register's sockets); the caller closes them. */
    Response handle(String line, PeerIdentity peer, List<Fd> fds) {
        Request request = null;
        try {
            request = RequestReader.read(line);
            String pod = pods == null ? null : pods.podOf(peer);
            return Response.success(pod != null ? dispatchForPod(request, pod) : dispatch(request, peer, fds));
        } catch (RuntimeException e) {
            if (ErrorMapper.isInternal(e)) {
                log.error("request " + (request == null ? "(unread)" : request.op()) + " of pid " + peer.pid()
                        + " failed", e);
            }
            return ErrorMapper.toResponse(e, request == null ? "policy.c" : DeploymentRequests.policyName(request));
        }
    }

    private JsonNode dispatch(Request r, PeerIdentity peer, List<Fd> fds) {
        switch (r.op()) {
            case "deploy": return deploymentRequests.deploy(r, peer);
            case "replace":
                owned(r, peer);
                return deploymentRequests.replace(r);
            case "remove":
                owned(r, peer);
                return deploymentRequests.remove(r);
            case "list": return deploymentRequests.list(null);
            case "status": return deploymentRequests.status();
            case "map.get": case "map.set": case "map.delete": case "map.dump": case "map.pin":
                owned(r, peer);
                return mapRequests.handle(r);
            case "thread.register": case "thread.unregister":
                return threadRequests.handle(r, existing(r), peer);
            case "xsk.register": return socketRequests.register(r, existing(r), peer, fds);
            default: throw DomainException.invalid("unknown op '" + r.op()
                    + "' (deploy, replace, remove, list, status, map.get, map.set, map.delete, map.dump, map.pin,"
                    + " thread.register, thread.unregister, xsk.register)");
        }
    }

    /**
     * A caller inside a pod: it may list its pod's deployments and use their maps; deployments are made
     * by the agent from SchedulingPolicy objects, so nothing else is open to it.
     */
    private JsonNode dispatchForPod(Request r, String pod) {
        switch (r.op()) {
            case "list": return deploymentRequests.list(pod);
            case "map.get": case "map.set": case "map.delete": case "map.dump": case "map.pin":
                Owner owner = existing(r);
                if (!pod.equals(owner.pod())) {
                    throw DomainException.forbidden("deployment " + r.id() + " does not target your pod (" + pod + ")");
                }
                return mapRequests.handle(r);
            default: throw DomainException.forbidden("'" + r.op() + "' is not open to pods (you are in pod " + pod
                    + "): the node agent deploys policies from SchedulingPolicy objects; a pod may list its own"
                    + " deployments and use their maps");
        }
    }

    /** The owner of the deployment the request names, which must be the caller (or root with force). */
    private Owner owned(Request r, PeerIdentity peer) {
        Owner owner = existing(r);
        Authorizer.checkOwner(r.id(), owner, peer, r);
        return owner;
    }

    private Owner existing(Request r) {
        if (r.id() == null) {
            throw DomainException.invalid(r.op() + " needs \"id\"");
        }
        return deployments.get(r.id()).map(DeploymentService.Entry::owner)
                .orElseThrow(() -> DomainException.notFound("no deployment with id " + r.id()));
    }
}
