package dev.syrup.hook;

import java.nio.file.Path;

/**
 * Where things live in bpffs:
 * <pre>
 * ROOT/deployments/ID/MAP                  maps the policy declares (shared by its hooks and the application)
 * ROOT/deployments/ID/TARGET/prog|stats|.. one directory per hook target
 * ROOT/dispatchers/netns-INO/socket-select/PROTOCOL-PORT  program attached to that reuseport group
 * ROOT/dispatchers/netns-INO/xdp-IFACE     root dispatcher of an interface, and its XDP link
 * </pre>
 */
public record PinLayout(Path root) {
    public static final Path DEFAULT_ROOT = Path.of("/sys/fs/bpf/syrup");
    public static final String SOCKET_SELECT_GROUPS = "socket-select";

    public Path deployments() { return root.resolve("deployments"); }

    public Path deployment(String id) { return deployments().resolve(id); }

    public Path target(String id, HookTarget target) { return deployment(id).resolve(target.key()); }

    /** The programs attached to the namespace's reuseport groups, one pin per group. */
    public Path socketSelectGroups(NetnsRef netns) { return netnsDir(netns).resolve(SOCKET_SELECT_GROUPS); }

    public Path socketSelectGroup(NetnsRef netns, Protocol protocol, int port) {
        return socketSelectGroups(netns).resolve(protocol + "-" + port);
    }

    public Path xdpDispatcher(NetnsRef netns, String iface) { return netnsDir(netns).resolve("xdp-" + iface); }

    private Path netnsDir(NetnsRef netns) {
        return root.resolve("dispatchers").resolve("netns-" + netns.inode());
    }
}
