package dev.syrup.daemon;

/**
 * Kubernetes mode: tells which pod a caller runs in (its UID), or null for a process outside every pod.
 * A caller inside a pod may only list and use the maps of deployments made for its own pod.
 */
@FunctionalInterface
public interface PodScope {
    String podOf(PeerIdentity peer);
}
