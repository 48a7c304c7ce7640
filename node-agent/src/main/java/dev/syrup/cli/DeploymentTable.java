package dev.syrup.cli;

import dev.syrup.api.DeploymentView;
import dev.syrup.api.HookSpec;
import dev.syrup.api.DeploymentView.Target;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Deployments as a table, one row per hook target; a deployment's id, owner and policy are
 * written on its first row only.
 */
final class DeploymentTable {
    private static final List<String> HEADER = List.of("ID", "OWNER", "HOOKS", "TARGETS", "POLICY", "STATE", "DECISIONS");

    private DeploymentTable() {}

    static String render(List<DeploymentView> deployments) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(HEADER);
        for (DeploymentView d : deployments) {
            boolean first = true;
            for (Target t : d.targets()) {
                rows.add(List.of(first ? d.id() : "", first ? owner(d.owner()) : "", t.hook(), target(t),
                        first ? policy(d.policy()) : "", state(t), decisions(t)));
                first = false;
            }
        }
        return Table.format(rows);
    }

    static String owner(DeploymentView.Owner o) { return o == null ? "-" : o.uid() + ":" + o.cgroup(); }

    /** e.g. udp/9000@app, udp/9000@app:eth0 at xdp-cpu, or cgroup:/app cpus=0,1 affinity at thread */
    static String target(Target t) {
        if (t.cgroup() != null) {
            return "cgroup:" + t.cgroup() + " cpus=" + t.cpus().stream().map(String::valueOf).collect(Collectors.joining(","))
                    + (t.threads() == null ? "" : " " + t.threads().backend()
                    + (HookSpec.REGISTERED_THREADS.equals(t.threads().selection())
                            ? " registered=" + t.threads().registered() : ""));
        }
        String where = netns(t.netns()) + (t.iface() == null ? "" : ":" + t.iface());
        return t.protocol() + "/" + t.port() + "@" + where;
    }

    /** A namespace named under /var/run/netns shows as its name. */
    static String netns(String path) {
        if (path == null) {
            return "-";
        }
        for (String dir : List.of("/var/run/netns/", "/run/netns/")) {
            if (path.startsWith(dir) && path.indexOf('/', dir.length()) < 0) {
                return path.substring(dir.length());
            }
        }
        return path;
    }

    /** The policy's file name and the start of its SHA-256. */
    static String policy(DeploymentView.Policy p) {
        String name = p.name().substring(p.name().lastIndexOf('/') + 1);
        return name + " " + p.sha256().substring(0, Math.min(12, p.sha256().length()));
    }

    /** e.g. attached live=4, waiting live=0, failed: why; "-" for a target that does not follow sockets */
    static String state(Target t) {
        if (t.state() == null) {
            return "-";
        }
        return "failed".equals(t.state()) ? "failed: " + t.problem() : t.state() + " live=" + t.live();
    }

    /** e.g. 25/25/25/25 pass=0 drop=0 fb=0; nothing while the target waits for its application's sockets */
    static String decisions(Target t) {
        if (t.waiting()) {
            return "- (waiting: no socket on the port)";
        }
        String perExecutor = t.decisions() == null || t.decisions().length == 0 ? "-"
                : Arrays.stream(t.decisions()).mapToObj(Long::toString).collect(Collectors.joining("/"));
        String moved = t.threads() == null ? "" : " moved=" + t.threads().moved();
        return perExecutor + " pass=" + t.pass() + " drop=" + t.drop() + " fb=" + t.fallback() + moved;
    }
}
