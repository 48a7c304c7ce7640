package dev.syrup.hook;

/** Where one hook of a deployment attaches: the hook, its network namespace and the application's port. */
public sealed interface HookTarget permits SocketSelectTarget, XdpCpuTarget {
    Hook hook();

    NetnsRef netns();

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
