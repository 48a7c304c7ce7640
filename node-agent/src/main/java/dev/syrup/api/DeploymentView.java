package dev.syrup.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** A deployment as syrupd reports it (docs/protocol.md, Deployment). */
public record DeploymentView(String id, Owner owner, Policy policy, List<Target> targets) {
    public record Owner(int uid, String cgroup) {}

    public record Policy(String name, String sha256) {}

    public record Target(String hook, String protocol, int port, String netns, @JsonProperty("interface") String iface,
                         List<Integer> cpus, int executors, long[] decisions, long pass, long drop, long fallback) {}
}
