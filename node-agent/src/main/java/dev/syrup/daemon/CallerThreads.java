package dev.syrup.daemon;

import dev.syrup.error.DomainException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The threads of a caller's process. A caller names its threads as it sees them (gettid()), which in
 * a container's pid namespace are not the ids the agent sees; each thread's NSpid line in
 * /proc/PID/task/TID/status lists its id in every namespace from the agent's down to the caller's.
 */
final class CallerThreads {
    private CallerThreads() {}

    /**
     * resolve maps each of the caller's thread ids (as the caller sees them) to the agent's id for
     * it; a tid that is not a thread of process pid is refused.
     */
    static Map<Integer, Integer> resolve(int pid, List<Integer> tids) {
        Map<Integer, Integer> own = ownThreads(pid);
        Map<Integer, Integer> out = new LinkedHashMap<>();
        for (int tid : tids) {
            Integer host = own.get(tid);
            if (host == null) {
                throw DomainException.forbidden("thread " + tid + " is not a thread of your process: a process may register"
                        + " only its own threads");
            }
            out.put(tid, host);
        }
        return out;
    }

    /** The caller's view of each of its threads' ids -> the agent's. */
    private static Map<Integer, Integer> ownThreads(int pid) {
        Map<Integer, Integer> out = new HashMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : tasks) {
                int host = Integer.parseInt(task.getFileName().toString());
                out.put(innermost(task, host), host);
            }
        } catch (IOException | RuntimeException e) {
            // the caller exited: it has no threads to register
        }
        return out;
    }

    private static int innermost(Path task, int host) {
        try {
            for (String line : Files.readAllLines(task.resolve("status"))) {
                if (line.startsWith("NSpid:")) {
                    String[] ids = line.substring(6).strip().split("\\s+");
                    return Integer.parseInt(ids[ids.length - 1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // the thread exited meanwhile, or a kernel without NSpid (before 4.1): one namespace
        }
        return host;
    }
}
