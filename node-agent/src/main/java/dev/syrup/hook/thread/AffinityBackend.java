package dev.syrup.hook.thread;

import dev.syrup.hook.PinLayout;
import dev.syrup.hook.ThreadTarget;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The fallback backend, for kernels without sched_ext: an advisor, not a dispatcher. The BPF
 * programs decide in the scheduler's tracepoints; the agent applies each changed decision with
 * sched_setaffinity tens of microseconds later. The kernel's scheduler still decides when a thread
 * runs; the policy decides where it may.
 */
public final class AffinityBackend implements ThreadBackend {
    public static final String NAME = "affinity";

    private final Path cpuMap;
    private final Path stateDir;
    private final Consumer<String> log;
    private final Map<String, AffinityEnforcer> enforcers = new ConcurrentHashMap<>();

    /** stateDir holds one file per deployment: the threads it moved and their original CPUs. */
    public AffinityBackend(PinLayout layout, Path stateDir, Consumer<String> log) {
        this.cpuMap = ThreadAttacher.cpuMapPin(layout);
        this.stateDir = stateDir;
        this.log = log;
    }

    @Override
    public String name() { return NAME; }

    @Override
    public void start(String id, ThreadTarget target, Path targetDir) {
        TouchedThreads touched = TouchedThreads.load(stateDir, id, target.cgroup().path());
        enforcers.put(id, new AffinityEnforcer(id, target, targetDir, cpuMap, touched, log));
    }

    @Override
    public void adopt(String id, ThreadTarget target, Path targetDir) { start(id, target, targetDir); }

    @Override
    public void stop(String id) {
        AffinityEnforcer e = enforcers.remove(id);
        if (e != null) {
            e.halt();
            e.restore();
        } else {
            discard(id);
        }
    }

    @Override
    public void release(String id, int tid) {
        AffinityEnforcer e = enforcers.get(id);
        if (e != null) {
            e.release(tid);
        }
    }

    @Override
    public void discard(String id) {
        AffinityEnforcer.restore(TouchedThreads.load(stateDir, id, "?"), log);
    }

    @Override
    public Set<String> recorded() {
        if (!Files.isDirectory(stateDir)) {
            return Set.of();
        }
        try (Stream<Path> files = Files.list(stateDir)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".json"))
                    .map(n -> n.substring(0, n.length() - 5)).collect(Collectors.toSet());
        } catch (IOException e) {
            throw new UncheckedIOException("listing " + stateDir, e);
        }
    }

    @Override
    public ThreadStats stats(String id) {
        AffinityEnforcer e = enforcers.get(id);
        return e == null ? new ThreadStats(NAME, 0, 0, 0, 0, -1, -1) : e.stats();
    }

    @Override
    public void close() {
        enforcers.values().forEach(AffinityEnforcer::halt);
        enforcers.clear();
    }
}
