package dev.syrup.hook;

import java.nio.file.Path;

/** Where one hook of a deployment attaches: the hook, its network namespace and the application's port. */
public sealed interface HookTarget permits SocketSelectTarget, XdpCpuTarget {
    Hook hook();

    /** The network namespace, as a path (/proc/PID/ns/net, /var/run/netns/NAME). */
    Path netns();

    Protocol protocol();

    int port();

    /** A name for this target that is unique within a deployment and safe as a file name. */
    String key();

    static void checkPort(int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is out of range 1-65535");
        }
    }
}
