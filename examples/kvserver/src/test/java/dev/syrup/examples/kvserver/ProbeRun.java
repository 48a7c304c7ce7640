package dev.syrup.examples.kvserver;

import dev.syrup.testing.Exec;
import dev.syrup.testing.NetNs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Runs {@link Probe} inside a namespace and reads its replies. */
final class ProbeRun {
    /** One reply as the probe saw it: the request's type and id, the worker, the datagram's length. */
    record Seen(char type, long id, int worker, int length) {}

    private ProbeRun() {}

    static ProcessBuilder command(NetNs ns, int port, Duration timeout, String... items) {
        List<String> cmd = new ArrayList<>(List.of("nsenter", "--net=" + ns.path(), "--",
                Jvm.java(), "-cp", Jvm.classpath(), Probe.class.getName(),
                Integer.toString(port), Long.toString(timeout.toMillis())));
        cmd.addAll(List.of(items));
        return new ProcessBuilder(cmd);
    }

    /** Sends the items and returns every reply, in arrival order; fails if one is missing. */
    static List<Seen> run(NetNs ns, int port, Duration timeout, String... items) {
        return parse(Exec.check(command(ns, port, timeout, items), timeout.plusSeconds(15)));
    }

    static List<Seen> parse(String stdout) {
        List<Seen> seen = new ArrayList<>();
        for (String line : stdout.lines().toList()) {
            String[] f = line.split(" ");
            if (f[0].equals("REPLY")) {
                seen.add(new Seen(f[1].charAt(0), Long.parseLong(f[2]), Integer.parseInt(f[3]), Integer.parseInt(f[4])));
            }
        }
        return seen;
    }
}
