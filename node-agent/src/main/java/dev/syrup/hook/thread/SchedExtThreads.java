package dev.syrup.hook.thread;

import dev.syrup.bpf.Sched;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.stream.Stream;

/**
 * Moves a cgroup's threads between the fair class and sched_ext. Only SCHED_OTHER threads are switched
 * (real-time, batch and idle threads keep their policy); threads created later inherit SCHED_EXT from
 * the thread that creates them, and threads that enter the cgroup later are picked up by calling
 * {@link #switchToExt} again.
 */
public final class SchedExtThreads {
    private SchedExtThreads() {}

    /** The thread ids in cgroupDir and the cgroups below it (cgroup v2 cgroup.threads); empty if it is gone. */
    public static List<Integer> threadsOf(Path cgroupDir) {
        List<Integer> tids = new ArrayList<>();
        List<Path> dirs;
        try (Stream<Path> walk = Files.walk(cgroupDir)) {
            dirs = walk.filter(Files::isDirectory).toList();
        } catch (NoSuchFileException | UncheckedIOException e) {
            return tids; // the cgroup (or one below it) went away while walking
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the cgroups below " + cgroupDir, e);
        }
        for (Path dir : dirs) {
            try {
                for (String line : Files.readAllLines(dir.resolve("cgroup.threads"))) {
                    if (!line.isBlank())
                        tids.add(Integer.parseInt(line.strip()));
                }
            } catch (NoSuchFileException e) {
                // removed meanwhile
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the threads of cgroup " + dir, e);
            }
        }
        return tids;
    }

    /** switchToExt sets the cgroup's SCHED_OTHER threads to SCHED_EXT; returns the threads it switched. */
    public static List<Integer> switchToExt(Path cgroupDir) {
        List<Integer> switched = new ArrayList<>();
        for (int tid : threadsOf(cgroupDir)) {
            if (Sched.policy(tid) == Sched.SCHED_OTHER && Sched.setPolicy(tid, Sched.SCHED_EXT) == 0)
                switched.add(tid);
        }
        return switched;
    }

    /** restore returns those of tids that are SCHED_EXT to SCHED_OTHER; threads that exited are skipped. */
    public static int restore(Collection<Integer> tids) {
        int n = 0;
        for (int tid : tids) {
            if (Sched.policy(tid) == Sched.SCHED_EXT && Sched.setPolicy(tid, Sched.SCHED_OTHER) == 0)
                n++;
        }
        return n;
    }
}
