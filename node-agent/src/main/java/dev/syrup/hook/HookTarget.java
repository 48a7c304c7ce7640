package dev.syrup.hook;

import dev.syrup.policy.Hook;
import dev.syrup.error.DomainException;

/** Where one hook of a deployment attaches: a port at a network hook, or a cgroup's threads. */
public sealed interface HookTarget permits NetworkTarget, ThreadTarget {
    Hook hook();

    /** A name for this target that is unique within a deployment and safe as a file name. */
    String key();

    /** What this target holds exclusively: two deployments may not hold the same claim. */
    String claim();

    /** The claim as a user reads it, e.g. "udp port 9000 at hook socket-select in netns 4026531840". */
    String claimDescription();

    static void checkPort(int port) {
        if (port < 1 || port > 65535) {
            throw DomainException.invalid("port " + port + " is out of range 1-65535");
        }
    }
}
