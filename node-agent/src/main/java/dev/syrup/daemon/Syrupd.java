package dev.syrup.daemon;

import dev.syrup.api.ErrorInfo;
import dev.syrup.api.Json;
import dev.syrup.api.Response;
import dev.syrup.bpf.Fd;
import dev.syrup.bpf.Netns;
import dev.syrup.deploy.Deployer;
import dev.syrup.deploy.ExecutorFollower;
import dev.syrup.hook.PinLayout;
import dev.syrup.hook.thread.ThreadBackend;
import dev.syrup.hook.thread.ThreadBackends;
import dev.syrup.node.NodeDeployments;
import dev.syrup.policy.ObjectCache;
import dev.syrup.policy.PolicyCompiler;
import dev.syrup.policy.Sdk;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * syrupd: compiles, deploys and keeps policies for local applications, which ask over a Unix
 * socket. It is not in the data path: stopping or killing it leaves every deployed policy
 * running, and on start it adopts what it finds pinned.
 */
public final class Syrupd implements AutoCloseable {
    public static final String VERSION = "0.1.0";
    /** A client idle for this long is disconnected. */
    private static final int IDLE_TIMEOUT_MS = 60_000;

    private final UnixServer server;
    private final RequestHandler handler;
    private final Log log;
    private final ExecutorService clients = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "syrupd-client");
        t.setDaemon(true);
        return t;
    });
    private final Thread acceptor;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private final NodeDeployments deployments;

    private Syrupd(UnixServer server, RequestHandler handler, NodeDeployments deployments, Log log) {
        this.server = server;
        this.deployments = deployments;
        this.handler = handler;
        this.log = log;
        this.acceptor = new Thread(this::acceptLoop, "syrupd-accept");
    }

    /**
     * What syrupd works with, shared with the agent's controller in Kubernetes mode: the compiler and
     * the node's deployments (both sides deploy through them).
     */
    public record Node(DaemonOptions options, PolicyCompiler compiler, NodeDeployments deployments, Log log) {}

    /** prepare reconciles the pinned state: what is pinned and recorded is adopted, leftovers removed. */
    public static Node prepare(DaemonOptions o) {
        Log log = new Log(System.err);
        Sdk sdk = Sdk.extract(o.cacheDir());
        PolicyCompiler compiler = new PolicyCompiler(sdk, new ObjectCache(o.cacheDir().resolve("objects")));
        PinLayout layout = new PinLayout(o.pinRoot());
        ThreadBackend threads = ThreadBackends.detect(sdk.schedulerObject(), layout, o.stateDir().resolve("threads"), log::info);
        Deployer deployer = new Deployer(layout, compiler, sdk, Netns.XDP_MODE_AUTO, threads);
        ExecutorFollower follower = ExecutorFollower.start(deployer, sdk.bindWatcherObject(), log::info);
        NodeDeployments deployments = NodeDeployments.open(deployer, o.stateDir(), follower);
        log.info("adopted " + deployments.list().size() + " deployment(s) pinned under " + layout.root());
        deployments.repaired().forEach(r -> log.info("repaired: " + r));
        return new Node(o, compiler, deployments, log);
    }

    /** start reconciles the pinned state, then serves requests on a background thread. */
    public static Syrupd start(DaemonOptions o) throws IOException { return serve(prepare(o), null); }

    /** serve answers requests on the node's socket; pods (Kubernetes mode, else null) scopes callers in pods. */
    public static Syrupd serve(Node n, PodScope pods) throws IOException {
        DaemonOptions o = n.options();
        RequestHandler handler = new RequestHandler(n.deployments(), n.deployments().layout().root(), o.stateDir(),
                n.deployments().repaired(), n.log(), pods);
        Syrupd d = new Syrupd(UnixServer.listen(o.socket(), 0666), handler, n.deployments(), n.log());
        d.acceptor.start();
        n.log().info("syrupd " + VERSION + " listening on " + o.socket() + " (state in " + o.stateDir() + ")");
        return d;
    }

    /** Blocks until the daemon stops (close, or its socket fails). */
    public void await() throws InterruptedException { stopped.await(); }

    /** main runs syrupd until it is stopped (SIGTERM, SIGINT). */
    public static void main(DaemonOptions o) throws Exception {
        Syrupd d = start(o);
        Runtime.getRuntime().addShutdownHook(new Thread(d::close, "syrupd-stop"));
        d.await();
    }

    private void acceptLoop() {
        try {
            Connection c;
            while ((c = server.accept(IDLE_TIMEOUT_MS)) != null) {
                Connection client = c;
                clients.execute(() -> serve(client));
            }
        } catch (IOException e) {
            log.error("accepting clients failed", e);
        } finally {
            stopped.countDown();
        }
    }

    private void serve(Connection c) {
        try (c) {
            PeerIdentity peer = PeerIdentity.of(c.pid(), c.uid());
            while (true) {
                String line;
                try {
                    line = c.readLine(Json.MAX_LINE);
                } catch (Connection.BadLineException e) {
                    c.writeLine(Json.MAPPER.writeValueAsString(
                            Response.failure(new ErrorInfo(ErrorInfo.INVALID_REQUEST, e.getMessage(), null, null))));
                    if (e.inSync()) {
                        continue;
                    }
                    return;
                }
                if (line == null) {
                    return;
                }
                List<Fd> fds = c.takeFds();
                try {
                    if (c.tooManyFds()) {
                        c.writeLine(Json.MAPPER.writeValueAsString(Response.failure(new ErrorInfo(ErrorInfo.INVALID_REQUEST,
                                "more than " + Connection.MAX_FDS + " descriptors came with the request", null, null))));
                    } else if (!line.isBlank()) {
                        c.writeLine(Json.MAPPER.writeValueAsString(handler.handle(line, peer, fds)));
                    }
                } finally {
                    fds.forEach(Fd::close);
                }
            }
        } catch (IOException e) {
            // The client went away or idled out; nothing to answer.
        }
    }

    @Override
    public void close() {
        server.close();
        clients.shutdown();
        try {
            clients.awaitTermination(5, TimeUnit.SECONDS);
            acceptor.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        deployments.close();
        stopped.countDown();
    }
}
