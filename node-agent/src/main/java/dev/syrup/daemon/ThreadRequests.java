package dev.syrup.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syrup.api.Json;
import dev.syrup.api.Request;
import dev.syrup.error.DomainException;
import dev.syrup.hook.ThreadTarget;
import dev.syrup.hook.thread.Cgroups;
import dev.syrup.hook.thread.ThreadAttacher;
import dev.syrup.node.DeploymentRecord.Owner;
import dev.syrup.node.DeploymentService;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * thread.register and thread.unregister: the caller adds threads of its own process to a deployment
 * of registered threads, or takes them out (they go back to their original CPUs).
 */
final class ThreadRequests {
    private final DeploymentService deployments;
    private final Log log;

    ThreadRequests(DeploymentService deployments, Log log) {
        this.deployments = deployments;
        this.log = log;
    }

    JsonNode handle(Request r, Owner owner, PeerIdentity peer) {
        if (r.tids() == null || r.tids().isEmpty()) {
            throw DomainException.invalid(r.op() + " needs \"tids\": the ids of threads of your process");
        }
        if (r.tids().size() > ThreadAttacher.MAX_REGISTERED) {
            throw DomainException.invalid("at most " + ThreadAttacher.MAX_REGISTERED + " threads per request");
        }
        for (Integer tid : r.tids()) {
            if (tid == null || tid <= 0) {
                throw DomainException.invalid("\"tids\" are positive thread ids");
            }
        }
        ThreadTarget target = deployments.registeredThreadTarget(r.id());
        Authorizer.checkRegistrant(r.id(), owner, peer);
        Map<Integer, Integer> host = CallerThreads.resolve(peer.pid(), r.tids());
        boolean register = r.op().equals("thread.register");
        int now;
        if (register) {
            Map<Integer, Integer> threads = new LinkedHashMap<>();
            for (Map.Entry<Integer, Integer> t : host.entrySet()) {
                if (!Cgroups.contains(target.cgroup(), t.getValue())) {
                    throw DomainException.forbidden("thread " + t.getKey() + " is not in cgroup " + target.cgroup().path()
                            + ", whose threads deployment " + r.id() + " schedules");
                }
                threads.put(t.getValue(), peer.pid());
            }
            now = deployments.registerThreads(r.id(), threads);
        } else {
            now = deployments.unregisterThreads(r.id(), host.values());
        }
        log.info((register ? "registered" : "unregistered") + " threads " + host.values() + " of pid " + peer.pid()
                + " with " + r.id());
        return Json.MAPPER.createObjectNode().put("registered", now);
    }
}
