package dev.syrup.hook;

import dev.syrup.bpf.Fd;
import java.util.List;

/**
 * The executors of one hook target, resolved before its program loads (their number is a
 * load-time constant): sockets taken from the application, or CPUs.
 */
public record Executors(int count, List<Integer> cpus, List<Fd> sockets) implements AutoCloseable {
    public Executors {
        cpus = List.copyOf(cpus);
        sockets = List.copyOf(sockets);
    }

    public static Executors ofSockets(List<Fd> sockets) { return new Executors(sockets.size(), List.of(), sockets); }

    public static Executors ofCpus(List<Integer> cpus) { return new Executors(cpus.size(), cpus, List.of()); }

    @Override
    public void close() { sockets.forEach(Fd::close); }
}
