package dev.syrup.hook;

import dev.syrup.policy.Hook;
import dev.syrup.error.DomainException;
import java.util.List;
import java.util.Objects;

/**
 * The threads of a cgroup v2 (and of the cgroups below it), or with registeredOnly only those of
 * them the application registered. Executor i is CPU cpus[i]; the policy never moves a thread
 * outside the CPUs the application itself allowed it.
 */
public record ThreadTarget(CgroupRef cgroup, List<Integer> cpus, boolean registeredOnly) implements HookTarget {
    /** Every thread of the cgroup. */
    public ThreadTarget(CgroupRef cgroup, List<Integer> cpus) {
        this(cgroup, cpus, false);
    }

    public ThreadTarget {
        Objects.requireNonNull(cgroup, "cgroup");
        cpus = List.copyOf(cpus);
        if (cpus.isEmpty()) {
            throw DomainException.invalid("a thread target needs at least one CPU");
        }
        if (cpus.stream().distinct().count() != cpus.size()) {
            throw DomainException.invalid("CPU list " + cpus + " has duplicates");
        }
    }

    @Override
    public Hook hook() { return Hook.THREAD; }

    @Override
    public String key() { return "thread"; }

    /** One thread policy per cgroup. */
    @Override
    public String claim() { return "thread/" + cgroup.id(); }

    @Override
    public String claimDescription() { return "the threads of cgroup " + cgroup; }
}
