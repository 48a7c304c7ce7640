package dev.syrup.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Who is calling: uid and pid from SO_PEERCRED, and through the pid the caller's cgroup (the
 * cgroup v2 line of /proc/PID/cgroup, or the systemd hierarchy's on a hybrid host).
 */
public record PeerIdentity(int pid, int uid, String cgroup) {
    public static PeerIdentity of(int pid, int uid) {
        return new PeerIdentity(pid, uid, cgroupOf(pid));
    }

    public boolean isRoot() { return uid == 0; }

    /** The caller's network namespace, which a hook defaults to. */
    public Path netns() { return Path.of("/proc/" + pid + "/ns/net"); }

    static String cgroupOf(int pid) {
        try {
            String v2 = null;
            String systemd = null;
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/cgroup"))) {
                if (line.startsWith("0::")) {
                    v2 = line.substring(3);
                } else if (line.contains(":name=systemd:")) {
                    systemd = line.substring(line.indexOf(":name=systemd:") + 14);
                }
            }
            return v2 != null ? v2 : systemd != null ? systemd : "/";
        } catch (IOException e) {
            return "?"; // the caller exited: it owns nothing anyway
        }
    }
}
