package dev.syrup.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syrup.api.Json;
import dev.syrup.api.Request;
import dev.syrup.bpf.Fd;
import dev.syrup.error.DomainException;
import dev.syrup.node.DeploymentRecord.Owner;
import dev.syrup.node.DeploymentService;
import java.util.List;

/**
 * xsk.register: the application hands its AF_XDP sockets to an xdp-socket deployment, passing their
 * descriptors with the request (SCM_RIGHTS); the i-th descriptor becomes executor i. The set
 * replaces the one the deployment had. syrupd keeps no descriptor: the deployment's XSKMAP holds
 * the sockets while the application keeps them open.
 */
final class SocketRequests {
    private final DeploymentService deployments;
    private final Log log;

    SocketRequests(DeploymentService deployments, Log log) {
        this.deployments = deployments;
        this.log = log;
    }

    JsonNode register(Request r, Owner owner, PeerIdentity peer, List<Fd> fds) {
        if (r.sockets() == null || r.sockets() < 1) {
            throw DomainException.invalid("xsk.register needs \"sockets\": how many AF_XDP socket descriptors come with"
                    + " the request (SCM_RIGHTS)");
        }
        if (fds.size() != r.sockets()) {
            throw DomainException.invalid("xsk.register announced " + r.sockets() + " sockets but " + fds.size()
                    + " descriptors came with it (pass them with the request's line, in one sendmsg)");
        }
        Authorizer.checkSocketRegistrant(r.id(), owner, peer);
        deployments.registerSockets(r.id(), fds);
        log.info("registered " + fds.size() + " AF_XDP socket(s) of pid " + peer.pid() + " with " + r.id());
        return Json.MAPPER.createObjectNode().put("registered", fds.size());
    }
}
