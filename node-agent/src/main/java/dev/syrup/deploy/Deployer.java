package dev.syrup.deploy;

import dev.syrup.hook.PinLayout;
import dev.syrup.bpf.Bpffs;
import dev.syrup.bpf.Bpf;
import dev.syrup.bpf.BpfMap;
import dev.syrup.bpf.BpfObject;
import dev.syrup.bpf.Fd;
import dev.syrup.error.DomainException;
import dev.syrup.hook.Attacher;
import dev.syrup.hook.DecisionStats;
import dev.syrup.hook.Executors;
import dev.syrup.policy.Hook;
import dev.syrup.hook.HookConfig;
import dev.syrup.hook.HookTarget;
import dev.syrup.hook.LiveExecutors;
import dev.syrup.hook.SocketSelectAttacher;
import dev.syrup.hook.XdpCpuAttacher;
import dev.syrup.hook.XdpSocketAttacher;
import dev.syrup.hook.XdpSocketTarget;
import dev.syrup.hook.ThreadTarget;
import dev.syrup.hook.thread.ThreadAttacher;
import dev.syrup.hook.thread.ThreadBackend;
import dev.syrup.hook.thread.ThreadStats;
import dev.syrup.policy.PolicyCompiler;
import dev.syrup.policy.PolicySource;
import dev.syrup.policy.Sdk;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Deploys, replaces and removes policies. Every step that can fail (compile, verify, find the
 * application's executors) happens before anything is attached, so a rejected policy leaves
 * what was running untouched.
 */
public final class Deployer {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final PinLayout layout;
    private final PolicyCompiler compiler;
    /** The attacher of each hook this deployer serves (no thread hook without a thread backend). */
    private final Map<Hook, Attacher<?>> attachers = new EnumMap<>(Hook.class);
    /** Enforces thread policies' decisions; null: this deployer takes no thread targets. */
    private final ThreadBackend threadBackend;
    private final Map<String, Deployment> deployments = new LinkedHashMap<>();
    /**
     * The deployments as of the last change, for readers: a deploy holds the lock while clang and
     * the verifier run (tens of seconds for a policy the verifier gives up on), and status and
     * list must not wait for that.
     */
    private volatile List<Deployment> published = List.of();

    /** A deployer for the network hooks only. */
    public Deployer(PinLayout layout, PolicyCompiler compiler, Sdk sdk, int xdpMode) {
        this(layout, compiler, sdk, xdpMode, null);
    }

    /** A deployer for every hook; threadBackend applies thread policies' decisions. */
    public Deployer(PinLayout layout, PolicyCompiler compiler, Sdk sdk, int xdpMode, ThreadBackend threadBackend) {
        this.layout = layout;
        this.threadBackend = threadBackend;
        this.compiler = compiler;
        attachers.put(Hook.SOCKET_SELECT, new SocketSelectAttacher(layout));
        attachers.put(Hook.XDP_CPU, new XdpCpuAttacher(layout, sdk.dispatcherObject(Hook.XDP_CPU), xdpMode));
        attachers.put(Hook.XDP_SOCKET, new XdpSocketAttacher(layout, sdk.dispatcherObject(Hook.XDP_SOCKET), xdpMode));
        if (threadBackend != null) {
            attachers.put(Hook.THREAD, new ThreadAttacher(layout, threadBackend));
        }
        if (!Bpffs.isMounted(layout.root())) {
            throw new IllegalStateException("no bpffs is mounted at " + layout.root()
                    + " (mount it with: mount -t bpf bpf /sys/fs/bpf)");
        }
    }

    public PinLayout layout() { return layout; }

    /** The backend applying thread policies, empty if this deployer takes no thread targets. */
    public Optional<ThreadBackend> threadBackend() { return Optional.ofNullable(threadBackend); }

    /** A hook target with its compiled and loaded program, not yet attached. */
    private record Staged(HookTarget target, HookConfig config, BpfObject object, Executors executors)
            implements AutoCloseable {
        @Override
        public void close() {
            object.close();
            executors.close();
        }
    }

    /**
     * adopt takes over a deployment found pinned from an earlier run (its programs kept running);
     * nothing is loaded or attached.
     */
    public synchronized void adopt(Deployment d) {
        checkClaims(d.id(), d.targets());
        for (HookTarget t : d.targets()) {
            attacher(t).adopt(d.id(), t);
        }
        deployments.put(d.id(), d);
        publish();
    }

    /**
     * discard detaches and unpins what is left of a deployment that is not (or no longer) whole,
     * without registering it.
     */
    public synchronized void discard(Deployment d) {
        for (HookTarget t : d.targets()) {
            Attacher<HookTarget> a = attachers.containsKey(t.hook()) ? attacher(t) : null;
            if (a != null) {
                a.discard(d.id(), t);
            }
        }
        Bpffs.removeTree(layout.deployment(d.id()));
    }

    /** deploy compiles policy for every target's hook, loads it and attaches it. */
    public synchronized Deployment deploy(PolicySource policy, List<HookTarget> targets) {
        if (targets.isEmpty()) {
            throw DomainException.invalid("a deployment needs at least one hook target");
        }
        checkClaims(null, targets);
        String id = newId();
        Path dir = layout.deployment(id);
        Bpffs.mkdirs(dir);
        List<Staged> staged = new ArrayList<>();
        List<HookTarget> attached = new ArrayList<>();
        try {
            for (HookTarget t : targets) {
                Attacher<HookTarget> a = attacher(t);
                Path object = compiler.compile(policy, t.hook());
                Executors ex = a.resolve(t);
                try {
                    HookConfig config = a.config(t, ex);
                    BpfObject loaded = PolicyLoader.load(object, policy, config, dir, a.sharedMaps(id, t, false),
                            compiler.inspector());
                    staged.add(new Staged(t, config, loaded, ex));
                } catch (RuntimeException e) {
                    ex.close();
                    throw e;
                }
            }
            Map<String, HookConfig> configs = new LinkedHashMap<>();
            for (Staged s : staged) {
                attacher(s.target()).attach(id, s.target(), s.object(), s.executors());
                attached.add(s.target());
                configs.put(s.target().key(), s.config());
            }
            Deployment d = new Deployment(id, policy.name(), policy.sha256(), targets, configs);
            deployments.put(id, d);
            publish();
            return d;
        } catch (RuntimeException e) {
            for (HookTarget t : attached) {
                attacher(t).detach(id, t);
            }
            Bpffs.removeTree(dir);
            throw e;
        } finally {
            staged.forEach(Staged::close);
        }
    }

    /**
     * replace swaps a deployment's policy: the new programs are loaded (sharing the executor maps,
     * counters and same-named policy maps) before any is routed, and each route swap is atomic.
     */
    public synchronized Deployment replace(String id, PolicySource policy) {
        Deployment d = require(id);
        Path dir = layout.deployment(id);
        Set<Path> pinsBefore = Bpffs.list(dir);
        List<Staged> staged = new ArrayList<>();
        try {
            for (HookTarget t : d.targets()) {
                Path object = compiler.compile(policy, t.hook());
                Map<String, Path> shared = attacher(t).sharedMaps(id, t, true);
                staged.add(new Staged(t, d.config(t),
                        PolicyLoader.load(object, policy, d.config(t), dir, shared, compiler.inspector()),
                        Executors.ofCpus(List.of())));
            }
            for (Staged s : staged) {
                attacher(s.target()).swap(id, s.target(), s.object());
            }
        } catch (RuntimeException e) {
            // Unpin maps the rejected policy declared anew; the running policy is untouched.
            Set<Path> added = new HashSet<>(Bpffs.list(dir));
            added.removeAll(pinsBefore);
            Bpffs.removeAll(List.copyOf(added));
            throw e;
        } finally {
            staged.forEach(Staged::close);
        }
        Deployment updated = d.withPolicy(policy.name(), policy.sha256());
        deployments.put(id, updated);
        publish();
        return updated;
    }

    /** remove detaches every hook of the deployment and unpins all of its state. */
    public synchronized void remove(String id) {
        Deployment d = require(id);
        for (HookTarget t : d.targets()) {
            attacher(t).detach(id, t);
        }
        Bpffs.removeTree(layout.deployment(id));
        deployments.remove(id);
        publish();
    }

    /**
     * whileDeployed runs step on the deployment while it can be neither removed nor replaced (a
     * deploy, replace or remove in progress finishes first); empty if there is no such deployment.
     */
    public synchronized <R> Optional<R> whileDeployed(String id, Function<Deployment, R> step) {
        Deployment d = deployments.get(id);
        return d == null ? Optional.empty() : Optional.ofNullable(step.apply(d));
    }

    /** The socket-select hook's attacher. */
    public SocketSelectAttacher socketSelect() { return (SocketSelectAttacher) attachers.get(Hook.SOCKET_SELECT); }

    public synchronized Optional<Deployment> get(String id) { return Optional.ofNullable(deployments.get(id)); }

    /** The deployments, without waiting for a deploy, replace or remove in progress. */
    public List<Deployment> list() { return published; }

    private void publish() { published = List.copyOf(deployments.values()); }

    /** Decisions the deployment's program at target has made. */
    public DecisionStats stats(String id, HookTarget target) {
        Deployment d = published.stream().filter(p -> p.id().equals(id)).findFirst()
                .orElseThrow(() -> DomainException.notFound("no deployment with id " + id));
        Path dir = layout.target(id, target);
        return DecisionStats.read(dir, LiveExecutors.read(dir).orElse(d.config(target).executors()));
    }

    /** What the thread backend did for the deployment's thread target. */
    public ThreadStats threadStats(String id) { return requireThreadBackend().stats(id); }

    /** The deployment's thread target, which must schedule registered threads only. */
    public synchronized ThreadTarget registeredThreadTarget(String id) {
        Deployment d = require(id);
        ThreadTarget t = d.targets().stream().filter(ThreadTarget.class::isInstance).map(ThreadTarget.class::cast)
                .findFirst().orElseThrow(() -> DomainException.invalid("deployment " + id + " has no thread target"));
        if (!t.registeredOnly()) {
            throw DomainException.invalid("deployment " + id + " schedules every thread of cgroup " + t.cgroup().path()
                    + ": only a deployment of registered threads (\"threads\": \"registered\") takes registrations");
        }
        return t;
    }

    /**
     * registerThreads adds threads (tid -> tgid of their process, as the agent sees them) to the
     * deployment's registered threads, all or none; returns how many are registered now.
     */
    public synchronized int registerThreads(String id, Map<Integer, Integer> threads) {
        ThreadTarget t = registeredThreadTarget(id);
        return ThreadAttacher.register(layout.target(id, t), threads);
    }

    /**
     * unregisterThreads takes threads out of the deployment's registered threads and returns each to
     * its original scheduling; returns how many are registered now.
     */
    public synchronized int unregisterThreads(String id, Collection<Integer> tids) {
        ThreadTarget t = registeredThreadTarget(id);
        Path dir = layout.target(id, t);
        for (int tid : tids) {
            ThreadAttacher.unregister(dir, tid); // first: no new decision for it is published
            threadBackend.release(id, tid);
        }
        return ThreadAttacher.registeredCount(dir);
    }

    /**
     * registerSockets makes sockets (AF_XDP, in the order the application passed them) the executors of
     * the deployment's xdp-socket target, in place of those it had; all or none.
     */
    public synchronized void registerSockets(String id, List<Fd> sockets) {
        Deployment d = require(id);
        XdpSocketTarget t = d.targets().stream().filter(XdpSocketTarget.class::isInstance)
                .map(XdpSocketTarget.class::cast).findFirst()
                .orElseThrow(() -> DomainException.invalid("deployment " + id + " has no xdp-socket target: only those take"
                        + " AF_XDP sockets"));
        ((XdpSocketAttacher) attachers.get(Hook.XDP_SOCKET)).register(id, t, sockets, d.config(t).executors());
    }

    /** How many threads are registered with the deployment's thread target (0 if it takes every thread). */
    public int registeredThreads(String id, ThreadTarget t) {
        return t.registeredOnly() ? ThreadAttacher.registeredCount(layout.target(id, t)) : 0;
    }

    private ThreadBackend requireThreadBackend() {
        if (threadBackend == null) {
            throw DomainException.invalid("this agent was started without a thread backend: no thread policies");
        }
        return threadBackend;
    }

    /** openMap opens a map the deployment's policy declared. */
    public BpfMap openMap(String id, String mapName) { return new BpfMap(Bpf.open(mapPin(id, mapName))); }

    /** mapPin is where a map the deployment's policy declared is pinned. */
    public Path mapPin(String id, String mapName) {
        require(id);
        Path pin = layout.deployment(id).resolve(mapName);
        if (mapName.contains("/") || !Files.isRegularFile(pin)) {
            throw DomainException.notFound("deployment " + id + " has no map named '" + mapName + "'");
        }
        return pin;
    }

    private Deployment require(String id) {
        Deployment d = deployments.get(id);
        if (d == null) {
            throw DomainException.notFound("no deployment with id " + id);
        }
        return d;
    }

    /** A port (per namespace, protocol and hook instance) belongs to one deployment at a time. */
    private void checkClaims(String self, List<HookTarget> targets) {
        Set<String> claims = new HashSet<>();
        for (HookTarget t : targets) {
            if (!claims.add(t.claim())) {
                throw DomainException.invalid("target " + t.key() + " is listed twice");
            }
        }
        for (Deployment other : deployments.values()) {
            for (HookTarget t : other.targets()) {
                if (!other.id().equals(self) && claims.contains(t.claim())) {
                    throw new PortConflictException(t.claimDescription() + " are already claimed by deployment "
                            + other.id());
                }
            }
        }
    }

    /** The attacher of t's hook; every attacher takes the targets of its own hook only. */
    @SuppressWarnings("unchecked")
    private Attacher<HookTarget> attacher(HookTarget t) {
        Attacher<?> a = attachers.get(t.hook());
        if (a == null) {
            throw DomainException.invalid("this agent was started without a thread backend: no thread policies");
        }
        return (Attacher<HookTarget>) a;
    }

    /** Whether everything the deployment's targets need is pinned (a deployment found after a restart). */
    public boolean complete(Deployment d) {
        return d.targets().stream().allMatch(t -> attachers.containsKey(t.hook()) && attacher(t).complete(d.id(), t));
    }

    private static String newId() {
        return String.format("%08x", RANDOM.nextInt());
    }
}
