package dev.syrup.daemon;

import dev.syrup.error.DomainException;
import dev.syrup.api.HookSpec;
import dev.syrup.bpf.Affinity;
import dev.syrup.bpf.BpfException;
import dev.syrup.hook.CgroupRef;
import dev.syrup.hook.TargetUnavailableException;
import dev.syrup.hook.ThreadTarget;
import dev.syrup.hook.thread.Cgroups;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a thread hook of a request into a target: the cgroup v2 of "pid" or the one named by
 * "cgroup", and the CPUs ("cpus", by default those the application may run on).
 */
final class ThreadTargets {
    private ThreadTargets() {}

    static ThreadTarget of(HookSpec spec, PeerIdentity peer) {
        if (spec.port() != null || spec.protocol() != null || spec.netns() != null || spec.iface() != null) {
            throw DomainException.invalid("thread takes no \"port\", \"protocol\", \"netns\" or \"interface\"");
        }
        if ((spec.pid() == null) == (spec.cgroup() == null)) {
            throw DomainException.invalid("thread needs exactly one of \"pid\" and \"cgroup\"");
        }
        CgroupRef cgroup;
        List<Integer> allowed;
        if (spec.pid() != null) {
            if (spec.pid() <= 0) {
                throw DomainException.invalid("\"pid\" must be positive");
            }
            cgroup = Cgroups.ofPid(spec.pid());
            allowed = allowedCpus(spec.pid());
        } else {
            cgroup = Cgroups.of(spec.cgroup());
            allowed = cgroupCpus(cgroup);
        }
        boolean registeredOnly;
        if (spec.threads() == null || spec.threads().equals(HookSpec.ALL_THREADS)) {
            registeredOnly = false;
        } else if (spec.threads().equals(HookSpec.REGISTERED_THREADS)) {
            registeredOnly = true;
        } else {
            throw DomainException.invalid("\"threads\" is \"all\" or \"registered\", not \"" + spec.threads() + "\"");
        }
        return new ThreadTarget(cgroup, spec.cpus() == null ? allowed : spec.cpus(), registeredOnly);
    }

    private static List<Integer> allowedCpus(int pid) {
        try {
            return Affinity.get(pid).stream().boxed().toList();
        } catch (BpfException e) {
            throw new TargetUnavailableException("process " + pid + " does not exist (" + e.getMessage() + ")", e);
        }
    }

    /** The cgroup's effective cpuset where the cpuset controller runs, else every online CPU. */
    private static List<Integer> cgroupCpus(CgroupRef cgroup) {
        Path dir = Cgroups.v2Mount().resolve(cgroup.path().substring(1));
        for (Path f : List.of(dir.resolve("cpuset.cpus.effective"), Path.of("/sys/devices/system/cpu/online"))) {
            try {
                if (Files.isReadable(f)) {
                    List<Integer> cpus = parseList(Files.readString(f).strip());
                    if (!cpus.isEmpty()) {
                        return cpus;
                    }
                }
            } catch (IOException e) {
                // try the next source
            }
        }
        throw new TargetUnavailableException("cannot tell which CPUs cgroup " + cgroup + " may use: give \"cpus\"");
    }

    /** A kernel CPU list, e.g. "0-3,6". */
    static List<Integer> parseList(String list) {
        List<Integer> out = new ArrayList<>();
        for (String part : list.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            String[] r = part.strip().split("-");
            int from = Integer.parseInt(r[0]);
            int to = r.length > 1 ? Integer.parseInt(r[1]) : from;
            for (int c = from; c <= to; c++) {
                out.add(c);
            }
        }
        return out;
    }
}
