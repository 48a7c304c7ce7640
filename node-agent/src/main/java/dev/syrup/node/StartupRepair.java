package dev.syrup.node;

import dev.syrup.bpf.Bpf;
import dev.syrup.bpf.BpfException;
import dev.syrup.bpf.Fd;
import dev.syrup.bpf.Bpffs;
import dev.syrup.deploy.Deployer;
import dev.syrup.deploy.Deployment;
import dev.syrup.hook.PinLayout;
import dev.syrup.deploy.PortConflictException;
import dev.syrup.hook.Dispatcher;
import dev.syrup.hook.HookTarget;
import dev.syrup.hook.NetnsRef;
import dev.syrup.hook.Protocol;
import dev.syrup.hook.SocketSelectAttacher;
import dev.syrup.hook.SocketSelectTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * At start-up, makes the node's records and the kernel's pinned state agree: deployments with both
 * are adopted (their programs never stopped); a record whose pins are gone is dropped; pins without
 * a record are unpinned, dispatcher routes to programs of no deployment are removed and socket
 * groups running such programs are detached.
 */
final class StartupRepair {
    /** A socket group's pin: PROTOCOL-PORT (PinLayout.socketSelectGroup). */
    private static final Pattern GROUP_PIN = Pattern.compile("(udp|tcp)-(\\d{1,5})");

    private final Deployer deployer;
    private final RecordStore records;
    private final PinLayout layout;

    StartupRepair(Deployer deployer, RecordStore records, PinLayout layout) {
        this.deployer = deployer;
        this.records = records;
        this.layout = layout;
    }

    /** repair adopts what it can into adopted (by deployment id) and returns what it repaired. */
    List<String> repair(Map<String, DeploymentRecord> adopted) {
        List<String> repaired = new ArrayList<>();
        for (DeploymentRecord r : records.loadAll(repaired)) {
            Deployment d = r.toDeployment();
            if (!deployer.complete(d)) {
                deployer.discard(d);
                records.delete(d.id());
                repaired.add("deployment " + d.id() + " had a record but not all of its pins: removed");
                continue;
            }
            try {
                deployer.adopt(d);
                adopted.put(d.id(), r);
            } catch (PortConflictException e) {
                deployer.discard(d);
                records.delete(d.id());
                repaired.add("deployment " + d.id() + " claimed a port another deployment holds: removed ("
                        + e.getMessage() + ")");
            }
        }
        for (Path dir : Bpffs.list(layout.deployments())) {
            String id = dir.getFileName().toString();
            if (!adopted.containsKey(id)) {
                Bpffs.removeTree(dir);
                repaired.add("pins of deployment " + id + " had no record: unpinned");
            }
        }
        deployer.threadBackend().ifPresent(b -> {
            for (String id : b.recorded()) {
                if (!adopted.containsKey(id)) {
                    b.discard(id);
                    repaired.add("threads moved by deployment " + id + ", which is gone: put back on their CPUs");
                }
            }
        });
        sweepDispatchers(repaired);
        return repaired;
    }

    /** Routes to programs that no adopted deployment pins are stale; dispatchers left empty go. */
    private void sweepDispatchers(List<String> repaired) {
        Set<Integer> live = new HashSet<>();
        for (Deployment d : deployer.list()) {
            for (HookTarget t : d.targets()) {
                try (Fd prog = Bpf.open(layout.target(d.id(), t).resolve("prog"))) {
                    live.add(Bpf.programInfo(prog).id());
                }
            }
        }
        for (Path netns : Bpffs.list(layout.root().resolve("dispatchers"))) {
            for (Path dir : Bpffs.list(netns)) {
                if (dir.getFileName().toString().equals(PinLayout.SOCKET_SELECT_GROUPS)) {
                    sweepSocketGroups(netns, dir, live, repaired);
                    continue;
                }
                if (!Files.exists(dir.resolve("prog"))) {
                    Bpffs.removeTree(dir);
                    continue;
                }
                try (Dispatcher dispatcher = Dispatcher.open(dir)) {
                    dispatcher.routes().forEach((port, progId) -> {
                        if (!live.contains(progId)) {
                            dispatcher.unroute(port);
                            repaired.add("dispatcher " + layout.root().relativize(dir) + ": stale route for port "
                                    + port + " removed");
                        }
                    });
                    if (!dispatcher.hasRoutes()) {
                        dispatcher.detachLink();
                        dispatcher.unpin();
                    } else {
                        settleLink(dispatcher, repaired);
                    }
                }
            }
            if (Bpffs.list(netns).isEmpty()) {
                Bpffs.removeTree(netns);
            }
        }
    }

    /**
     * The interface's XDP link runs the only route's program or, with more routes, the dispatcher:
     * after stale routes went, or as an earlier version left it (always the dispatcher).
     */
    private void settleLink(Dispatcher dispatcher, List<String> repaired) {
        String name = "dispatcher " + layout.root().relativize(dispatcher.dir());
        try {
            if (dispatcher.settleLink()) {
                repaired.add(name + ": the interface's XDP link now runs "
                        + (dispatcher.routes().size() == 1 ? "its only route's program" : "the dispatcher"));
            }
        } catch (BpfException e) {
            repaired.add(name + ": the interface's XDP link could not be switched (" + e.getMessage() + ")");
        }
    }

    /**
     * A reuseport group running a program of no deployment is returned to the kernel's hash (the
     * program keeps running as long as it is attached, pinned or not).
     */
    private void sweepSocketGroups(Path netnsDir, Path groups, Set<Integer> live, List<String> repaired) {
        long inode = Long.parseLong(netnsDir.getFileName().toString().substring("netns-".length()));
        if (Files.exists(groups.resolve("routes"))) {
            migrateSocketDispatcher(inode, groups, repaired);
        }
        for (Path pin : Bpffs.list(groups)) {
            Matcher group = GROUP_PIN.matcher(pin.getFileName().toString());
            if (!group.matches()) {
                continue;
            }
            int progId;
            try (Fd prog = Bpf.open(pin)) {
                progId = Bpf.programInfo(prog).id();
            }
            if (!live.contains(progId)) {
                SocketSelectAttacher.detachGroup(NetnsRef.ofInode(inode), Protocol.parse(group.group(1)),
                        Integer.parseInt(group.group(2)));
                SocketSelectAttacher.removeGroupPin(pin);
                repaired.add("socket group " + layout.root().relativize(pin) + " ran a program of no deployment: detached");
            }
        }
    }

    /**
     * A namespace's socket-select dispatcher pinned by an earlier version (prog, ports, routes where
     * the group pins now live): each group it serves for an adopted deployment gets that
     * deployment's program attached directly (the kernel switches atomically), groups it serves for
     * no deployment go back to the kernel's hash, and the dispatcher is unpinned.
     */
    private void migrateSocketDispatcher(long inode, Path dir, List<String> repaired) {
        Map<Integer, Integer> routes;
        try (Dispatcher old = Dispatcher.open(dir)) {
            routes = new TreeMap<>(old.routes());
        }
        for (Deployment d : deployer.list()) {
            for (HookTarget t : d.targets()) {
                if (!(t instanceof SocketSelectTarget s) || s.netns().inode() != inode || !routes.containsKey(s.port())) {
                    continue;
                }
                try (Fd prog = Bpf.open(layout.target(d.id(), t).resolve("prog"))) {
                    if (routes.get(s.port()) == Bpf.programInfo(prog).id()) {
                        SocketSelectAttacher.attachGroup(layout, s, prog);
                        routes.remove(s.port());
                    }
                } catch (RuntimeException e) {
                    repaired.add("deployment " + d.id() + ": its socket group could not be taken off the earlier"
                            + " dispatcher (" + e.getMessage() + ")");
                }
            }
        }
        for (int port : routes.keySet()) {
            for (Protocol protocol : Protocol.values()) {
                if (!Files.exists(layout.socketSelectGroup(NetnsRef.ofInode(inode), protocol, port))) {
                    SocketSelectAttacher.detachGroup(NetnsRef.ofInode(inode), protocol, port);
                }
            }
        }
        Bpffs.removeAll(List.of(dir.resolve("prog"), dir.resolve("ports"), dir.resolve("routes")));
        repaired.add("socket-select dispatcher of netns " + inode + " (earlier version) replaced by programs attached"
                + " to their socket groups");
    }
}
