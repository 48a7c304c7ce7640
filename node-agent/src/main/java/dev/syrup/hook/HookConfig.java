package dev.syrup.hook;

import dev.syrup.policy.Hook;
import dev.syrup.error.DomainException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * The per-load constants of a hook program, written into its ".rodata.syrup" section.
 * Must match struct syrup_config in syrup.h. port is the one destination port an XDP program (xdp-cpu, xdp-socket)
 * serves (it passes any other packet on untouched, whatever routed it there); 0 elsewhere.
 */
public record HookConfig(Hook hook, int executors, List<Integer> cpus, int port) {
    /** SYRUP_MAX_EXECUTORS in syrup.h. */
    public static final int MAX_EXECUTORS = 64;
    public static final String SECTION = ".rodata.syrup";

    public HookConfig {
        if (executors < 1 || executors > MAX_EXECUTORS) {
            throw DomainException.invalid(hook + ": " + executors + " executors; between 1 and "
                    + MAX_EXECUTORS + " are supported");
        }
        cpus = List.copyOf(cpus);
    }

    public HookConfig(Hook hook, int executors, List<Integer> cpus) { this(hook, executors, cpus, 0); }

    /** of is the config of a program deployed at target. */
    public static HookConfig of(HookTarget target, int executors, List<Integer> cpus) {
        return new HookConfig(target.hook(), executors, cpus, target instanceof XdpTarget x ? x.port() : 0);
    }

    /** forOffline is a config for loading without attaching: executor i is CPU i at XDP and thread. */
    public static HookConfig forOffline(Hook hook, int executors) {
        return new HookConfig(hook, executors,
                hook == Hook.XDP_CPU || hook == Hook.THREAD ? java.util.stream.IntStream.range(0, executors).boxed().toList() : List.of());
    }

    public byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(4 * (3 + MAX_EXECUTORS)).order(ByteOrder.nativeOrder());
        b.putInt(executors).putInt(hook.id());
        cpus.forEach(b::putInt);
        b.putInt(4 * (2 + MAX_EXECUTORS), port);
        return b.array();
    }
}
