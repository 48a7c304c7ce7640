package dev.syrup.deploy;

import dev.syrup.bpf.BindEvents;
import dev.syrup.bpf.Bpf;
import dev.syrup.bpf.BpfMap;
import dev.syrup.bpf.Fd;
import dev.syrup.bpf.Sockets;
import dev.syrup.hook.HookConfig;
import dev.syrup.hook.HookTarget;
import dev.syrup.hook.LiveExecutors;
import dev.syrup.hook.ReuseportSockets;
import dev.syrup.hook.SocketSelectAttacher;
import dev.syrup.hook.SocketSelectTarget;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Keeps socket-select deployments on the application's live sockets: when the application binds
 * new sockets (a restart, a scale-up) or closes some, the executors are taken again and written
 * into the running policy's REUSEPORT_SOCKARRAY in executor order (owning pid, then fd), the
 * count syrup_executors() returns is updated, and the dispatcher is attached to the (new) reuseport
 * group. Nothing is detached and no program is reloaded, so sockets already steered stay steered.
 * Binds are reported by the {@link BindWatcher}; a periodic rescan catches whatever it missed.
 */
public final class ExecutorFollower implements AutoCloseable {
    /** Without a bind watcher, every target is checked this often: the rescan is all there is. */
    static final Duration RESCAN = Duration.ofSeconds(2);
    /**
     * With a bind watcher the rescan is only a backstop (for events lost to a full ring buffer), and a
     * rare one: each rescan walks every process's descriptors, and done every 2 s that CPU time, taken
     * from the application on a small node, lengthened the tail latency of the very policies it serves.
     */
    static final Duration BACKSTOP_RESCAN = Duration.ofSeconds(30);
    /** After an event, more binds of the same application usually follow at once: collect them first. */
    private static final int SETTLE_MS = 10;
    /**
     * When to look again after an event, in ms after the previous look: a TCP socket is bound before
     * it listens, and an application may bind its sockets over a moment (a master process that starts
     * its workers); with the rescan only a rare backstop, these looks catch what the first one missed.
     */
    private static final int[] RECHECKS_MS = {200, 800, 1000};

    private final Deployer deployer;
    private final Consumer<String> log;
    private final BindWatcher watcher;
    private final Duration rescan;
    private final Map<String, Followed> followed = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean stopping;
    private volatile Steered steered = (id, target, live, bindNs, steeredNs) -> {};
    private volatile StateListener stateListener = (id, target, state) -> {};

    /** Told when a bind was followed: the target steers live sockets since steeredNs (System.nanoTime). */
    @FunctionalInterface
    public interface Steered {
        void steered(String id, SocketSelectTarget target, int live, long bindNs, long steeredNs);
    }

    /** Told when a followed target's state changes (attached, waiting, failed, or its live executors). */
    @FunctionalInterface
    public interface StateListener {
        void changed(String id, SocketSelectTarget target, TargetState state);
    }

    /** What the follower knows of one target: whose sockets it takes and which it steers (null: not known yet). */
    private static final class Followed {
        final String id;
        final SocketSelectTarget target;
        SocketScope scope;
        List<Long> inodes;
        volatile TargetState state;

        Followed(String id, SocketSelectTarget target, SocketScope scope, List<Long> inodes, TargetState state) {
            this.id = id;
            this.target = target;
            this.scope = scope;
            this.inodes = inodes;
            this.state = state;
        }
    }

    private ExecutorFollower(Deployer deployer, BindWatcher watcher, Consumer<String> log) {
        this.deployer = deployer;
        this.watcher = watcher;
        this.rescan = watcher == null ? RESCAN : BACKSTOP_RESCAN;
        this.log = log;
        this.thread = new Thread(this::run, "syrup-follow");
        this.thread.setDaemon(true);
    }

    /**
     * start follows the deployer's socket-select targets on a thread of its own. Without a bind
     * watcher (watcherObject null, or the kernel refused it) it relies on the periodic rescan alone.
     */
    public static ExecutorFollower start(Deployer deployer, Path watcherObject, Consumer<String> log) {
        BindWatcher w = null;
        if (watcherObject != null) {
            try {
                w = BindWatcher.attach(watcherObject);
            } catch (RuntimeException e) {
                log.accept("bind watcher not attached (" + e.getMessage() + "): new sockets are found by a rescan every "
                        + RESCAN.toSeconds() + " s");
            }
        }
        ExecutorFollower f = new ExecutorFollower(deployer, w, log);
        f.thread.start();
        return f;
    }

    /** onSteered sets who is told when the sockets of a reported bind are steered (bench-follow). */
    public void onSteered(Steered listener) { this.steered = listener; }

    /** onStateChange sets who is told when a target's state changes (the agent's status of its node objects). */
    public void onStateChange(StateListener listener) { this.stateListener = listener; }

    /** Whether binds are reported as they happen (else only the rescan finds them). */
    public boolean watchesBinds() { return watcher != null; }

    /**
     * track starts following d's socket-select targets, right after they were attached to the sockets
     * held now (whose processes make the scope); ownerUid is the scope if no socket is held now.
     */
    public void track(Deployment d, int ownerUid) {
        track(d, owners -> SocketScope.of(owners).orElse(ownerUid == 0 ? null : SocketScope.ofUid(ownerUid)));
    }

    /** track starts following d's socket-select targets, taking the sockets of scope only (a pod's). */
    public void track(Deployment d, SocketScope scope) {
        track(d, owners -> scope);
    }

    private void track(Deployment d, Function<List<ReuseportSockets.Owner>, SocketScope> scopeOf) {
        for (HookTarget t : d.targets()) {
            if (!(t instanceof SocketSelectTarget s)) {
                continue;
            }
            List<ReuseportSockets.Owner> owners = find(s).orElse(List.of());
            SocketScope scope = scopeOf.apply(owners);
            List<ReuseportSockets.Owner> mine = scope == null ? List.of() : owners.stream().filter(scope::admits).toList();
            int live = LiveExecutors.read(deployer.layout().target(d.id(), s)).orElse(mine.size());
            // What the map holds is not known here (an adopted deployment's application may have changed
            // meanwhile): the first check compares it with the sockets, and writes only what differs.
            Followed f = new Followed(d.id(), s, scope, null, TargetState.of(live, Instant.now()));
            followed.put(key(d.id(), s), f);
            if (watcher != null) {
                watcher.watchAlso(BindWatcher.key(s.protocol(), s.port()));
                check(f, 0); // takes the sockets held now, so that their closing is reported
            }
        }
    }

    /** forget stops following a removed deployment. */
    public void forget(String id) { followed.values().removeIf(f -> f.id.equals(id)); }

    /** The state of a followed target, empty if it is not followed (not socket-select). */
    public Optional<TargetState> state(String id, HookTarget target) {
        return Optional.ofNullable(followed.get(key(id, target))).map(f -> f.state);
    }

    /** checkAll looks at every followed target now (what the rescan does). */
    public void checkAll() {
        Set<String> live = new HashSet<>();
        deployer.list().forEach(d -> live.add(d.id()));
        followed.values().removeIf(f -> !live.contains(f.id));
        if (watcher != null) {
            Set<Integer> keys = new HashSet<>();
            followed.values().forEach(f -> keys.add(BindWatcher.key(f.target.protocol(), f.target.port())));
            watcher.watch(keys);
        }
        followed.values().forEach(f -> check(f, 0));
    }

    private void run() {
        long nextRescan = System.nanoTime();
        long recheckAt = Long.MAX_VALUE;
        int rechecks = 0; // looks done since the last event
        // (protocol << 16 | port) -> when the first bind not yet followed was reported
        Map<Integer, Long> pending = new HashMap<>();
        while (!stopping) {
            try {
                long now = System.nanoTime();
                long until = Math.min(nextRescan, recheckAt);
                int waitMs = (int) Math.max(1, Math.min(1000, (until - now) / 1_000_000));
                List<BindEvents.Event> events = poll(waitMs);
                if (!events.isEmpty()) {
                    do {
                        for (BindEvents.Event e : events) {
                            pending.merge((e.protocol() << 16) | e.port(),
                                    e.kind() == BindEvents.BOUND ? e.timestampNs() : 0L, ExecutorFollower::earliestBind);
                        }
                        events = poll(SETTLE_MS);
                    } while (!events.isEmpty() && !stopping);
                    checkKeys(pending);
                    rechecks = 0;
                    recheckAt = System.nanoTime() + RECHECKS_MS[0] * 1_000_000L;
                } else if (System.nanoTime() >= recheckAt) {
                    checkKeys(pending);
                    if (++rechecks < RECHECKS_MS.length) {
                        recheckAt = System.nanoTime() + RECHECKS_MS[rechecks] * 1_000_000L;
                    } else {
                        pending.clear();
                        recheckAt = Long.MAX_VALUE;
                    }
                }
                if (System.nanoTime() >= nextRescan) {
                    checkAll();
                    nextRescan = System.nanoTime() + rescan.toNanos();
                }
            } catch (RuntimeException e) {
                log.accept("following executors failed: " + e);
                sleep(1000);
            }
        }
    }

    private List<BindEvents.Event> poll(int timeoutMs) {
        if (watcher == null) {
            sleep(timeoutMs);
            return List.of();
        }
        return watcher.poll(timeoutMs);
    }

    /** checkKeys checks the targets of the ports in keys; a bind whose sockets are steered now is forgotten. */
    private void checkKeys(Map<Integer, Long> keys) {
        Set<Integer> behind = new HashSet<>();
        for (Followed f : followed.values()) {
            int key = BindWatcher.key(f.target.protocol(), f.target.port());
            Long bindNs = keys.get(key);
            if (bindNs != null && !check(f, bindNs)) {
                behind.add(key);
            }
        }
        keys.replaceAll((key, bindNs) -> behind.contains(key) ? bindNs : 0L);
    }

    /** The earlier of two bind times, 0 standing for none (a release). */
    private static Long earliestBind(Long a, Long b) {
        return a == 0 ? b : b == 0 ? a : Math.min(a, b);
    }

    /**
     * check takes the target's sockets in scope again if they are not the ones it steers; bindNs is
     * when the bind that led here was reported (0: none, a rescan or a release). Tells whether the
     * target steers the sockets in its scope now.
     */
    private boolean check(Followed f, long bindNs) {
        synchronized (f) { // the follower's thread, and checkAll from whoever calls it
            return checkNow(f, bindNs);
        }
    }

    private boolean checkNow(Followed f, long bindNs) {
        Optional<List<ReuseportSockets.Owner>> found = find(f.target);
        if (found.isEmpty()) {
            update(f, TargetState.failed(0, Instant.now(), "cannot read the sockets of " + f.target.netns()));
            return false;
        }
        List<ReuseportSockets.Owner> owners = found.get();
        if (f.scope == null) {
            // Adopted while the application was down, by a root deployment: its first sockets make the scope.
            f.scope = SocketScope.of(owners).orElse(null);
        }
        List<ReuseportSockets.Owner> mine = f.scope == null ? List.of() : owners.stream().filter(f.scope::admits).toList();
        List<Long> inodes = inodes(mine);
        if (inodes.equals(f.inodes) && f.state.state() != TargetState.State.FAILED) {
            return true;
        }
        if (mine.size() > HookConfig.MAX_EXECUTORS) {
            update(f, TargetState.failed(f.state.live(), Instant.now(), mine.size() + " sockets are bound to port "
                    + f.target.port() + "; socket-select supports at most " + HookConfig.MAX_EXECUTORS));
            return false;
        }
        List<Fd> sockets;
        try {
            sockets = ReuseportSockets.take(mine, f.target.protocol(), f.target.port());
        } catch (RuntimeException e) {
            return false; // a socket closed while it was taken: the next event or rescan looks again
        }
        try {
            if (watcher != null) {
                watcher.remember(sockets, BindWatcher.key(f.target.protocol(), f.target.port()));
            }
            boolean written = deployer.whileDeployed(f.id, d -> write(f, sockets)).orElse(false);
            if (written) {
                if (bindNs != 0) {
                    steered.steered(f.id, f.target, sockets.size(), bindNs, System.nanoTime());
                }
                if (f.inodes != null) {
                    log.accept("deployment " + f.id + ": " + f.target.claimDescription() + " now has " + sockets.size()
                        + " live executor(s)");
                }
                f.inodes = inodes;
                update(f, TargetState.of(sockets.size(), Instant.now()));
            }
            return written;
        } catch (RuntimeException e) {
            update(f, TargetState.failed(f.state.live(), Instant.now(), "following the application's sockets failed: "
                    + e.getMessage()));
            return false;
        } finally {
            sockets.forEach(Fd::close);
        }
    }

    /**
     * write puts sockets into the running policy's map in executor order, comparing with what the
     * map holds (a socket array gives back each socket's cookie). A growing set is written before
     * its count is raised, a shrinking one after its count is lowered, so the policy never picks an
     * index without a socket; a socket that keeps its index is not touched.
     */
    private boolean write(Followed f, List<Fd> sockets) {
        Path dir = deployer.layout().target(f.id, f.target);
        Path socksPin = dir.resolve(SocketSelectAttacher.SOCKETS_PIN);
        Path livePin = dir.resolve(LiveExecutors.PIN);
        if (!Files.exists(socksPin)) {
            return false;
        }
        if (!Files.exists(livePin)) {
            throw new IllegalStateException("it was deployed by an agent that did not follow sockets; deploy it again");
        }
        int n = sockets.size();
        List<Long> want = sockets.stream().map(s -> Sockets.info(s).cookie()).toList();
        try (BpfMap socks = new BpfMap(Bpf.open(socksPin)); BpfMap live = new BpfMap(Bpf.open(livePin))) {
            int before = LiveExecutors.read(dir).orElse(0);
            if (n < before) {
                LiveExecutors.write(live, n);
            }
            long[] held = new long[socks.info().maxEntries()];
            for (int i = 0; i < held.length; i++) {
                held[i] = socks.lookup(BpfMap.u32(i)).map(ExecutorFollower::u64).orElse(0L);
            }
            // A socket can be at one index at a time: free the index of each that moves, and those past the end.
            for (int j = 0; j < held.length; j++) {
                int i = want.indexOf(held[j]);
                if (held[j] != 0 && (j >= n || (i >= 0 && i != j))) {
                    socks.delete(BpfMap.u32(j));
                }
            }
            for (int i = 0; i < n; i++) {
                if (held[i] != want.get(i)) {
                    socks.update(BpfMap.u32(i), BpfMap.u64(sockets.get(i).get()));
                }
            }
            if (n >= before) {
                LiveExecutors.write(live, n);
            }
        }
        if (n > 0) {
            deployer.socketSelect().reattach(f.target, sockets.get(0));
        }
        return true;
    }

    private static long u64(byte[] b) { return ByteBuffer.wrap(b).order(ByteOrder.nativeOrder()).getLong(); }

    private void update(Followed f, TargetState next) {
        if (!next.sameAs(f.state)) {
            f.state = next;
            try {
                stateListener.changed(f.id, f.target, next);
            } catch (RuntimeException e) {
                log.accept("deployment " + f.id + ": telling of its new state failed: " + e);
            }
        }
    }

    private static Optional<List<ReuseportSockets.Owner>> find(SocketSelectTarget t) {
        try {
            return Optional.of(ReuseportSockets.find(t.netns(), t.protocol(), t.port()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static List<Long> inodes(List<ReuseportSockets.Owner> owners) {
        return owners.stream().map(ReuseportSockets.Owner::inode).toList();
    }

    private static String key(String id, HookTarget t) { return id + "/" + t.key(); }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stopping = true;
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (watcher != null) {
            watcher.close();
        }
    }
}
