package dev.syrup.k8s;

import dev.syrup.daemon.PeerIdentity;
import dev.syrup.daemon.PodScope;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which pod a process runs in, from its cgroup path: kubelet puts every pod in a cgroup named after
 * the pod's UID, {@code kubepods-<qos>-pod<uid with _>.slice} (systemd driver) or {@code pod<uid>}
 * (cgroupfs driver), and every container of the pod below it.
 */
public final class PodIdentity implements PodScope {
    private static final Pattern POD = Pattern.compile(
            "pod([0-9a-fA-F]{8}[-_][0-9a-fA-F]{4}[-_][0-9a-fA-F]{4}[-_][0-9a-fA-F]{4}[-_][0-9a-fA-F]{12})(?:\\.slice)?(?:/|$)");

    /** The pod UID in a cgroup path (as in /proc/PID/cgroup), or null when the path is not a pod's. */
    public static String podUidOf(String cgroupPath) {
        if (cgroupPath == null || !cgroupPath.contains("kubepods")) {
            return null;
        }
        String uid = null;
        Matcher m = POD.matcher(cgroupPath);
        while (m.find()) {
            uid = m.group(1); // the innermost, should a pod's path ever nest another
        }
        return uid == null ? null : normalize(uid);
    }

    /** A pod UID as the API server writes it: lower case, with dashes. */
    public static String normalize(String uid) { return uid.replace('_', '-').toLowerCase(Locale.ROOT); }

    @Override
    public String podOf(PeerIdentity peer) { return podUidOf(peer.cgroup()); }
}
