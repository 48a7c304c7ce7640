package dev.syrup.examples.kvserver;

import dev.syrup.api.DeploymentView;
import dev.syrup.api.HookSpec;
import dev.syrup.client.SyrupClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
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
 * <p>With --thread-policy (or --register-threads ID) the workers, and no other thread of the JVM (not
 * its garbage collector's, not its compiler's), are scheduled by a thread policy: the server deploys it
 * for the registered threads of its own cgroup, and registers each worker's native thread id, as an
 * application calls the client library in the paper.
 *
 * <p>With --policy-commands the server reads policy changes on its standard input ({@link PolicyCommands}),
 * so a benchmark can compare policies on one running server.
 *
 * <p>Prints {@code DEPLOYED <id>} (with --policy), {@code THREADS <id> registered=N} (with
 * --thread-policy or --register-threads), then {@code READY port=P workers=W pid=PID}. SIGTERM or
 * SIGINT removes the deployments and stops it.
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
        ServerPolicy policy = new ServerPolicy(options);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> remove(policy), "remove deployment"));
        if (options.policy != null) {
            System.out.println("DEPLOYED " + policy.apply(options.policy).id());
            System.out.flush();
        }

        List<Thread> threads = new ArrayList<>();
        int[] tids = new int[sockets.size()];
        CountDownLatch started = new CountDownLatch(sockets.size());
        for (int i = 0; i < sockets.size(); i++) {
            Worker w = new Worker(i, sockets.get(i), options, policy::state);
            int k = i;
            Thread t = new Thread(() -> {
                tids[k] = SyrupClient.currentTid();
                started.countDown();
                w.run();
            }, "worker-" + i);
            threads.add(t);
            t.start();
        }
        started.await();
        if (options.threadPolicy != null || options.registerThreads != null) {
            registerWorkers(tids);
        }
        System.out.println("READY port=" + options.port + " workers=" + options.workers
                + " pid=" + ProcessHandle.current().pid());
        System.out.flush();
        if (options.policyCommands) {
            new PolicyCommands(policy, System.out).run(
                    new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)));
        }
        for (Thread t : threads) {
            t.join();
        }
        return 0;
    }

    /**
     * Has the worker threads scheduled by a thread policy: deploys --thread-policy for the registered
     * threads of this server's cgroup (removed when the JVM exits), or takes --register-threads'
     * deployment, and registers the workers' thread ids with it.
     */
    private void registerWorkers(int[] tids) {
        SyrupClient syrup = SyrupClient.connect(options.syrupSocket());
        String id = options.registerThreads;
        if (id == null) {
            int self = (int) ProcessHandle.current().pid();
            DeploymentView d = syrup.deploy(options.threadPolicy,
                    List.of(HookSpec.registeredThreads(self, null, options.threadCpus)));
            id = d.id();
            String deployed = id;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> remove(syrup, deployed), "remove thread deployment"));
        }
        int registered = syrup.registerThreads(id, Arrays.stream(tids).boxed().toList());
        System.out.println("THREADS " + id + " registered=" + registered);
        System.out.flush();
    }

    private static void remove(ServerPolicy policy) {
        String id = policy.deploymentId();
        if (id == null) {
            return;
        }
        try {
            policy.remove();
            System.err.println("kvserver: removed deployment " + id);
        } catch (RuntimeException e) {
            System.err.println("kvserver: cannot remove deployment " + id + ": " + e.getMessage());
        }
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
