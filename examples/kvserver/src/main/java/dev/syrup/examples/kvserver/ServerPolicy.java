package dev.syrup.examples.kvserver;

import dev.syrup.api.DeploymentView;
import dev.syrup.api.ErrorInfo;
import dev.syrup.api.HookSpec;
import dev.syrup.bpf.MappedMap;
import dev.syrup.client.SyrupClient;
import dev.syrup.client.SyrupException;
import java.nio.file.Path;
import java.util.List;

/**
 * The server's own socket-select policy, through syrupd: deploys one for the server's port, swaps it
 * for another (syrupd's atomic replace: no datagram sees neither), removes it. The worker state the
 * current policy keeps is what {@link #state()} returns; workers read it for each request, so a swap
 * reaches them at their next one.
 *
 * <p>A map that a swap leaves behind stays mapped: a worker may still be finishing a request counted
 * there (a page per swap). A request in flight across a swap may be counted in one map and taken off
 * another (counters never go below zero): switch between bursts of traffic.
 */
final class ServerPolicy {
    private final ServerOptions options;
    private SyrupClient syrup;
    private String deploymentId;
    private volatile WorkerState state = WorkerState.none();

    ServerPolicy(ServerOptions options) {
        this.options = options;
    }

    /** The state the workers publish into: the current policy's workers map, or none. */
    WorkerState state() { return state; }

    /** The current deployment's id, or null on Linux's default. */
    synchronized String deploymentId() { return deploymentId; }

    /**
     * apply deploys policy for the server's port, or replaces the running policy with it, and maps
     * its workers map if it has one. A refused policy leaves the running one (and its state) as it was.
     */
    synchronized DeploymentView apply(Path policy) {
        DeploymentView d = deploymentId == null
                ? client().deploy(policy, List.of(HookSpec.socketSelect(options.port, "udp", null)))
                : client().replace(deploymentId, policy);
        deploymentId = d.id();
        int executors = d.targets().get(0).executors();
        if (executors != options.workers) {
            // Another process has sockets on the port too: executor i would not be worker i.
            throw new IllegalStateException("port " + options.port + " has " + executors
                    + " SO_REUSEPORT sockets, this server " + options.workers + "; is another server on it?");
        }
        state = publishing(d.id(), policy);
        return d;
    }

    /** remove takes the policy away: Linux's default chooses again. A no-op without one. */
    synchronized void remove() {
        if (deploymentId == null) {
            return;
        }
        state = WorkerState.none();
        client().remove(deploymentId);
        deploymentId = null;
    }

    private WorkerState publishing(String id, Path policy) {
        MappedMap map;
        try {
            map = MappedMap.open(client().mapPin(id, WorkerState.MAP));
        } catch (SyrupException e) {
            if (!ErrorInfo.NOT_FOUND.equals(e.kind())) {
                throw e;
            }
            System.err.println("kvserver: " + policy + " has no " + WorkerState.MAP + " map: not publishing worker state");
            return WorkerState.none();
        }
        System.err.println("kvserver: publishing worker state in map " + WorkerState.MAP + " of " + id);
        return WorkerState.publishing(map, options.workers);
    }

    private SyrupClient client() {
        if (syrup == null) {
            syrup = SyrupClient.connect(options.syrupSocket());
        }
        return syrup;
    }
}
