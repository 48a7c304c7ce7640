package dev.syrup.hook.thread;

import dev.syrup.api.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The threads a deployment moved, with the CPUs each had before (and its start time, so a reused
 * tid is never mistaken for it), kept on disk beside the deployment's record: removing the
 * deployment, or a restarted agent, puts them back.
 */
final class TouchedThreads {
    /** The file's content. */
    record Saved(String id, String cgroup, List<Entry> threads) {}

    /** One thread: its original CPUs. */
    record Entry(int tid, long startTime, List<Integer> cpus) {
        BitSet mask() {
            BitSet b = new BitSet();
            cpus.forEach(b::set);
            return b;
        }
    }

    private final Path file;
    private final String id;
    private final String cgroup;
    private final Map<Integer, Entry> threads = new LinkedHashMap<>();

    private TouchedThreads(Path file, String id, String cgroup) {
        this.file = file;
        this.id = id;
        this.cgroup = cgroup;
    }

    static Path file(Path stateDir, String id) { return stateDir.resolve(id + ".json"); }

    /** load reads what an earlier agent saved for deployment id (nothing if it saved nothing). */
    static TouchedThreads load(Path stateDir, String id, String cgroup) {
        TouchedThreads t = new TouchedThreads(file(stateDir, id), id, cgroup);
        if (Files.exists(t.file)) {
            try {
                Saved s = Json.MAPPER.readValue(t.file.toFile(), Saved.class);
                s.threads().forEach(e -> t.threads.put(e.tid(), e));
            } catch (IOException e) {
                throw new UncheckedIOException("reading " + t.file, e);
            }
        }
        return t;
    }

    synchronized Entry get(int tid) { return threads.get(tid); }

    synchronized List<Entry> all() { return List.copyOf(threads.values()); }

    synchronized int size() { return threads.size(); }

    /** add remembers a thread's original CPUs and writes the file before the caller moves it. */
    synchronized void add(int tid, long startTime, BitSet cpus) {
        threads.put(tid, new Entry(tid, startTime, cpus.stream().boxed().toList()));
        save();
    }

    synchronized void forget(int tid) {
        if (threads.remove(tid) != null) {
            save();
        }
    }

    /** delete removes the file (every thread was put back). */
    synchronized void delete() {
        threads.clear();
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("deleting " + file, e);
        }
    }

    private void save() {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Json.MAPPER.writeValue(tmp.toFile(), new Saved(id, cgroup, new ArrayList<>(threads.values())));
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("saving " + file, e);
        }
    }
}
