package dev.syrup.hook.thread;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/** Facts about a thread from /proc/TID/stat. */
public final class ProcTask {
    private ProcTask() {}

    /**
     * The thread's start time (field 22, clock ticks since boot): with the tid it names one thread,
     * even after the tid is reused. Empty if the thread is gone.
     */
    public static OptionalLong startTime(int tid) {
        String[] f = fields(tid);
        return f == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(f[22 - 3]));
    }

    /** The CPU the thread last ran on (field 39, "processor"), -1 if it is gone. */
    public static int processor(int tid) {
        String[] f = fields(tid);
        return f == null ? -1 : Integer.parseInt(f[39 - 3]);
    }

    /** Fields from the third on (after "pid (comm)", whose comm may hold spaces); null if gone. */
    private static String[] fields(int tid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + tid + "/stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
