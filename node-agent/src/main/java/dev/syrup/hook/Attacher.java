package dev.syrup.hook;

import dev.syrup.bpf.BpfObject;
import java.nio.file.Path;
import java.util.Map;

/**
 * Attaches a loaded policy at one kind of hook target. Every hook has one; the deployer routes a
 * target to the attacher of its hook and drives it the same way for all of them:
 * <ol>
 * <li>resolve and config before the policy is loaded (a target that cannot be served fails here,
 *     before anything changes);</li>
 * <li>sharedMaps while it is loaded;</li>
 * <li>attach for a new deployment, swap for a replacement (atomic for the target's inputs);</li>
 * <li>detach on removal, adopt for a deployment found pinned after a restart, discard for the
 *     leftovers of one that is not whole, complete to tell which it is.</li>
 * </ol>
 * Everything of a target lives in its directory, {@code layout.target(id, target)}.
 */
public interface Attacher<T extends HookTarget> {
    /** resolve finds the target's executors; the caller closes them after attach. */
    Executors resolve(T target);

    /** The constants the hook program is loaded with. */
    HookConfig config(T target, Executors executors);

    /**
     * Maps the program loaded for target must share, by object map name -> pin path: for a
     * replacement (replacing) the running program's, and node-wide maps of the hook.
     */
    Map<String, Path> sharedMaps(String id, T target, boolean replacing);

    /** attach makes policy schedule target's inputs. On failure nothing of it stays attached. */
    void attach(String id, T target, BpfObject policy, Executors executors);

    /** swap puts a replacement policy in place of the running one, with no input left unscheduled. */
    void swap(String id, T target, BpfObject policy);

    /** detach returns target's inputs to the kernel's default and unpins everything of it. */
    void detach(String id, T target);

    /** adopt takes over a target an earlier agent attached; its programs kept running. */
    default void adopt(String id, T target) {}

    /** discard removes what is left of a target of a deployment that is not whole. */
    default void discard(String id, T target) { detach(id, target); }

    /** Whether everything a running target needs is pinned. */
    boolean complete(String id, T target);
}
