package dev.syrup.hook.thread;

import dev.syrup.hook.ThreadTarget;
import java.nio.file.Path;

/**
 * What makes a thread deployment's decisions happen. The thread hook's BPF programs (attached by
 * {@link ThreadAttacher}) run the policy and publish each thread's CPU in the node-wide
 * {@code syrup_thread_cpu} map (pinned at ROOT/threads/thread_cpu) and each changed decision in the
 * deployment's ring buffer (TARGET/events); a backend enforces them:
 * <ul>
 * <li>{@link AffinityBackend} (any kernel): reads the ring buffer and calls sched_setaffinity;</li>
 * <li>{@link SchedExtBackend} (kernels with sched_ext): a struct_ops scheduler dispatching from the map.</li>
 * </ul>
 * The deployer calls start after the programs are attached, adopt for a deployment found pinned
 * after a restart, stop after a deployment's programs are detached (threads go back to how the
 * application had them), and discard for the leftovers of a deployment that is not whole.
 */
public interface ThreadBackend extends AutoCloseable {
    /** The name status reports: "affinity" or "sched_ext". */
    String name();

    /** start enforces the decisions of a new deployment. */
    void start(String id, ThreadTarget target, Path targetDir);

    /** adopt takes over a deployment an earlier agent started (its pins and records are there). */
    void adopt(String id, ThreadTarget target, Path targetDir);

    /** stop ends enforcing and returns every thread the deployment touched to its original scheduling. */
    void stop(String id);

    /**
     * release returns thread tid, just unregistered from deployment id (a target of registered
     * threads), to its original scheduling.
     */
    void release(String id, int tid);

    /** discard returns the threads an earlier agent touched for deployment id, which is gone. */
    void discard(String id);

    /** Deployments an earlier agent left state for (e.g. threads it moved), for the restart's reconciliation. */
    java.util.Set<String> recorded();

    /** What the backend did for a deployment, for status. */
    ThreadStats stats(String id);

    /** close stops enforcing without undoing anything (the agent exits; a restart adopts). */
    @Override
    void close();
}
