package dev.syrup.examples.kvserver;

import dev.syrup.api.DeploymentView;
import dev.syrup.api.ErrorInfo;
import dev.syrup.api.HookSpec;
import dev.syrup.bpf.MappedMap;
import dev.syrup.client.SyrupClient;
import dev.syrup.client.SyrupException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * The key-value server of the Syrup paper's GET/SCAN experiment: W workers, each with its own
 * SO_REUSEPORT UDP socket on one port. Linux picks the socket of each datagram by a hash of its
 * flow, blind to what the request is; with --policy the server deploys a socket-select policy for
 * its own port through syrupd (as an application calls syrup_deploy_policy in the paper) and, if
 * the policy keeps per-worker counters, takes each request off them when it is done.
 *
 * <p>Prints {@code DEPLOYED <id>} (with --policy), then {@code READY port=P workers=W pid=PID}.
 * SIGTERM or SIGINT removes the deployment and stops it.
 */
@Command(name = "kvserver", mixinStandardHelpOptions = true, version = "kvserver (Syrup example) 0.1.0",
        description = "GET/SCAN key-value server over UDP, one SO_REUSEPORT socket per worker.")
public final class KvServer implements Callable<Integer> {
    @Mixin
    ServerOptions options;

    public static void main(String[] args) {
        System.exit(new CommandLine(new KvServer()).setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    System.err.println("kvserver: " + e.getMessage());
                    return 1;
                })
                .execute(args));
    }

    @Override
    public Integer call() throws Exception {
        String problem = options.problem();
        if (problem != null) {
            System.err.println("kvserver: " + problem);
            return 2;
        }
        InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(options.addr), options.port);
        List<DatagramChannel> sockets = WorkerSockets.open(address, options.workers, options.rcvbuf);
        WorkerState state = options.policy == null ? WorkerState.none() : deployPolicy();

        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < sockets.size(); i++) {
            Thread t = new Thread(new Worker(i, sockets.get(i), options, state), "worker-" + i);
            threads.add(t);
            t.start();
        }
        System.out.println("READY port=" + options.port + " workers=" + options.workers
                + " pid=" + ProcessHandle.current().pid());
        System.out.flush();
        for (Thread t : threads) {
            t.join();
        }
        return 0;
    }

    /**
     * Deploys --policy at socket-select for this server's port in its own network namespace, and
     * maps the policy's worker counters if it has them. The deployment is removed when the JVM exits.
     */
    private WorkerState deployPolicy() {
        SyrupClient syrup = SyrupClient.connect(options.syrupSocket());
        DeploymentView d = syrup.deploy(options.policy, List.of(HookSpec.socketSelect(options.port, "udp", null)));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> remove(syrup, d.id()), "remove deployment"));
        System.out.println("DEPLOYED " + d.id());
        System.out.flush();

        int executors = d.targets().get(0).executors();
        if (executors != options.workers) {
            // Another process has sockets on the port too: executor i would not be worker i.
            throw new IllegalStateException("port " + options.port + " has " + executors
                    + " SO_REUSEPORT sockets, this server " + options.workers + "; is another server on it?");
        }
        MappedMap map;
        try {
            map = syrup.mapMemory(d.id(), WorkerState.MAP);
        } catch (SyrupException e) {
            if (!ErrorInfo.NOT_FOUND.equals(e.kind())) {
                throw e;
            }
            System.err.println("kvserver: " + options.policy + " has no " + WorkerState.MAP
                    + " map: not publishing worker state");
            return WorkerState.none();
        }
        // Mapped for the life of the process: workers write to it until the JVM is gone.
        System.err.println("kvserver: publishing worker state in map " + WorkerState.MAP + " of " + d.id());
        return WorkerState.publishing(map, options.workers);
    }

    private static void remove(SyrupClient syrup, String id) {
        try {
            syrup.remove(id);
            System.err.println("kvserver: removed deployment " + id);
        } catch (RuntimeException e) {
            System.err.println("kvserver: cannot remove deployment " + id + ": " + e.getMessage());
        }
    }
}
