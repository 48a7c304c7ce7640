package dev.syrup.hook;

import dev.syrup.bpf.Bpf;
import dev.syrup.bpf.BpfException;
import dev.syrup.bpf.BpfMap;
import dev.syrup.bpf.BpfObject;
import dev.syrup.bpf.Fd;
import dev.syrup.bpf.Netns;
import dev.syrup.bpf.Bpffs;
import java.nio.file.Files;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * A root dispatcher: one program per interface that tail-calls the policy deployed for a
 * packet's destination port. Pinned in its own directory: prog, ports (the PROG_ARRAY), routes
 * (which ports are in use) and the fast slots (see dispatch_xdp.bpf.c): fast (the PROG_ARRAY
 * they jump through) and fast_ports (the ".data.fast" section: each slot's port, 0 when free);
 * link, the interface's XDP link, runs the dispatcher or, while a single port is routed, that
 * port's program itself (see linkProgram).
 */
public final class Dispatcher implements AutoCloseable {
    static final String PROGRAM = "syrup_dispatch";
    /** SYRUP_FAST_SLOTS in syrup_dispatch.h. */
    static final int FAST_SLOTS = 4;

    private final Path dir;
    private final Fd program;
    private final BpfMap ports;
    private final BpfMap routes;
    private final BpfMap fast;
    private final BpfMap fastPorts;

    private Dispatcher(Path dir, Fd program, BpfMap ports, BpfMap routes, BpfMap fast, BpfMap fastPorts) {
        this.dir = dir;
        this.program = program;
        this.ports = ports;
        this.routes = routes;
        this.fast = fast;
        this.fastPorts = fastPorts;
    }

    /** openOrLoad opens the dispatcher pinned in dir, or loads objectFile and pins it there. */
    public static Dispatcher openOrLoad(Path dir, Path objectFile) {
        if (Files.exists(dir.resolve("prog"))) {
            return open(dir);
        }
        Bpffs.mkdirs(dir);
        try (BpfObject obj = BpfObject.open(objectFile)) {
            obj.load();
            Dispatcher d = new Dispatcher(dir, obj.program(PROGRAM), obj.map("syrup_ports"), obj.map("syrup_routes"),
                    obj.map("syrup_fast"), obj.map(".data.fast"));
            Bpf.pin(d.ports.fd(), dir.resolve("ports"));
            Bpf.pin(d.routes.fd(), dir.resolve("routes"));
            Bpf.pin(d.fast.fd(), dir.resolve("fast"));
            Bpf.pin(d.fastPorts.fd(), dir.resolve("fast_ports"));
            Bpf.pin(d.program, dir.resolve("prog"));
            return d;
        }
    }

    /** open opens the dispatcher pinned in dir (one pinned by an earlier version may have no fast slots). */
    public static Dispatcher open(Path dir) {
        boolean hasFast = Files.exists(dir.resolve("fast_ports"));
        return new Dispatcher(dir, Bpf.open(dir.resolve("prog")), new BpfMap(Bpf.open(dir.resolve("ports"))),
                new BpfMap(Bpf.open(dir.resolve("routes"))), hasFast ? new BpfMap(Bpf.open(dir.resolve("fast"))) : null,
                hasFast ? new BpfMap(Bpf.open(dir.resolve("fast_ports"))) : null);
    }

    public Path dir() { return dir; }

    public Fd program() { return program; }

    /**
     * route sends port's packets to policy, through a fast slot if port has one or one is free;
     * replacing an earlier route is atomic per packet.
     */
    public void route(int port, Fd policy) {
        ports.update(BpfMap.u32(port), BpfMap.u32(policy.get()));
        routes.update(BpfMap.u32(port), BpfMap.u32(Bpf.programInfo(policy).id()));
        if (fastPorts == null) {
            return;
        }
        int[] slots = fastPorts();
        int slot = indexOf(slots, port);
        if (slot < 0 && (slot = indexOf(slots, 0)) < 0) {
            return; // all slots taken: the map-indexed path serves it
        }
        fast.update(BpfMap.u32(slot), BpfMap.u32(policy.get()));
        slots[slot] = port;
        writeFastPorts(slots);
    }

    /** unroute returns port's packets to the kernel's default. */
    public void unroute(int port) {
        if (fastPorts != null) {
            int[] slots = fastPorts();
            int slot = indexOf(slots, port);
            if (slot >= 0) {
                slots[slot] = 0;
                writeFastPorts(slots);
                fast.delete(BpfMap.u32(slot));
            }
        }
        ports.delete(BpfMap.u32(port));
        routes.delete(BpfMap.u32(port));
    }

    private int[] fastPorts() {
        int[] slots = new int[FAST_SLOTS];
        fastPorts.lookup(BpfMap.u32(0)).ifPresent(v -> ByteBuffer.wrap(v).order(ByteOrder.nativeOrder()).asIntBuffer().get(slots));
        return slots;
    }

    private void writeFastPorts(int[] slots) {
        ByteBuffer b = ByteBuffer.allocate(4 * FAST_SLOTS).order(ByteOrder.nativeOrder());
        b.asIntBuffer().put(slots);
        fastPorts.update(BpfMap.u32(0), b.array());
    }

    private static int indexOf(int[] xs, int x) {
        for (int i = 0; i < xs.length; i++) {
            if (xs[i] == x) {
                return i;
            }
        }
        return -1;
    }

    /** unroute unroutes port only if it goes to the program with id policyId; tells whether it did. */
    public boolean unroute(int port, int policyId) {
        Integer routed = routes().get(port);
        if (routed == null || routed != policyId) {
            return false;
        }
        unroute(port);
        return true;
    }

    public boolean hasRoutes() { return !routes.keys().isEmpty(); }

    /** The routed ports and the id of the policy program each goes to. */
    public Map<Integer, Integer> routes() {
        Map<Integer, Integer> out = new TreeMap<>();
        for (byte[] key : routes.keys()) {
            routes.lookup(key).ifPresent(v -> out.put(u32(key), u32(v)));
        }
        return out;
    }

    private static int u32(byte[] b) { return ByteBuffer.wrap(b).order(ByteOrder.nativeOrder()).getInt(); }

    /**
     * The program the interface's XDP link should run: while one port is routed, that port's own
     * program (every XDP hook program checks the port itself and passes other packets on, so it can
     * run alone, without the dispatcher's parsing and jump); otherwise the dispatcher. The caller
     * closes it.
     */
    public Fd linkProgram() {
        Map<Integer, Integer> routes = routes();
        return routes.size() == 1 ? Bpf.programById(routes.values().iterator().next()) : Fd.dup(program.get());
    }

    /**
     * settleLink makes the interface's XDP link, if it has one, run linkProgram(); the kernel
     * switches the program atomically, so every packet meets one or the other. Tells whether it
     * switched.
     */
    public boolean settleLink() {
        Path pin = dir.resolve("link");
        if (!Files.exists(pin)) {
            return false;
        }
        try (Fd link = Bpf.open(pin); Fd prog = linkProgram()) {
            if (Bpf.linkInfo(link).programId() == Bpf.programInfo(prog).id()) {
                return false;
            }
            Bpf.updateLink(link, prog);
            return true;
        }
    }

    /** detachLink detaches the XDP link of an interface dispatcher, if it has one. */
    public void detachLink() {
        Path pin = dir.resolve("link");
        if (Files.exists(pin)) {
            try (Fd link = Bpf.open(pin)) {
                Netns.detach(link);
            } catch (BpfException e) {
                // The interface (or its namespace) is gone and took the attachment with it.
            }
        }
    }

    /** unpin removes the dispatcher's pins (and its namespace's directory once empty). */
    public void unpin() {
        Bpffs.removeTree(dir);
        if (Bpffs.list(dir.getParent()).isEmpty()) {
            Bpffs.removeTree(dir.getParent());
        }
    }

    @Override
    public void close() {
        program.close();
        ports.close();
        routes.close();
        if (fast != null) {
            fast.close();
            fastPorts.close();
        }
    }
}
