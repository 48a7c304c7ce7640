package dev.syrup.deploy;

import dev.syrup.bpf.BindEvents;
import dev.syrup.bpf.BpfMap;
import dev.syrup.bpf.BpfObject;
import dev.syrup.bpf.Fd;
import dev.syrup.hook.Protocol;
import dev.syrup.hook.thread.Cgroups;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The node's bind watcher (native/bpf/bind_watch.bpf.c): cgroup post_bind4/post_bind6 and
 * sock_release programs attached to the root of the cgroup v2 hierarchy, reporting binds to and
 * closes on the watched ports through a ring buffer. One per agent; nothing of it is pinned, so
 * closing it (or the agent's exit) detaches it all.
 */
public final class BindWatcher implements AutoCloseable {
    private static final List<String> PROGRAMS = List.of("syrup_post_bind4", "syrup_post_bind6", "syrup_sock_release");
    private static final int BATCH = 256;

    private final BpfObject object;
    private final List<Fd> links;
    private final BpfMap watched;
    private final BpfMap socks;
    private final BindEvents events;
    private final Set<Integer> keys = new HashSet<>();

    private BindWatcher(BpfObject object, List<Fd> links, BpfMap watched, BpfMap socks, BindEvents events) {
        this.object = object;
        this.links = links;
        this.watched = watched;
        this.socks = socks;
        this.events = events;
    }

    /** attach loads objectFile and attaches its programs to the cgroup v2 root. */
    public static BindWatcher attach(Path objectFile) { return attach(objectFile, Cgroups.v2Mount()); }

    static BindWatcher attach(Path objectFile, Path cgroup) {
        BpfObject obj = BpfObject.open(objectFile);
        List<Fd> links = new ArrayList<>();
        try {
            obj.load();
            try (Fd dir = BindEvents.openDirectory(cgroup)) {
                for (String p : PROGRAMS) {
                    links.add(BindEvents.attachCgroup(obj, p, dir));
                }
            }
            BpfMap watched = obj.map("syrup_bind_watched");
            try (BpfMap ring = obj.map("syrup_bind_events")) {
                return new BindWatcher(obj, links, watched, obj.map("syrup_bind_socks"), BindEvents.open(ring.fd(), BATCH));
            }
        } catch (RuntimeException e) {
            links.forEach(Fd::close);
            obj.close();
            throw e;
        }
    }

    /** Key of syrup_bind_watched, as syrup_bind_key() in bind_watch.h. */
    static int key(Protocol protocol, int port) { return (protocol.number() << 16) | port; }

    /** watch makes the programs report exactly these keys (protocol << 16 | port). */
    public synchronized void watch(Set<Integer> want) {
        for (int k : want) {
            if (keys.add(k)) {
                watched.update(BpfMap.u32(k), new byte[] {1});
            }
        }
        for (int k : List.copyOf(keys)) {
            if (!want.contains(k)) {
                watched.delete(BpfMap.u32(k));
                keys.remove(k);
            }
        }
    }

    /** watchAlso adds one key at once (a new deployment), until the next watch(). */
    public synchronized void watchAlso(int key) {
        if (keys.add(key)) {
            watched.update(BpfMap.u32(key), new byte[] {1});
        }
    }

    /**
     * remember marks sockets as bound to key, as the bind program does for the sockets it sees bound:
     * a socket bound before its port was watched (the application started before the deployment) is
     * then reported when it is closed too.
     */
    public void remember(List<Fd> sockets, int key) {
        for (Fd s : sockets) {
            socks.update(BpfMap.u32(s.get()), BpfMap.u32(key));
        }
    }

    /** poll waits up to timeoutMs for binds and closes; one thread polls. */
    public List<BindEvents.Event> poll(int timeoutMs) { return events.poll(timeoutMs); }

    @Override
    public void close() {
        events.close();
        links.forEach(Fd::close);
        watched.close();
        socks.close();
        object.close();
    }
}
