package dev.syrup.hook;

/** A network hook's target: the application's port in a network namespace. */
public sealed interface NetworkTarget extends HookTarget permits SocketSelectTarget, XdpTarget {
    NetnsRef netns();

    Protocol protocol();

    int port();

    @Override
    default String claimDescription() {
        return protocol() + " port " + port() + " at hook " + hook() + " in " + netns();
    }
}
