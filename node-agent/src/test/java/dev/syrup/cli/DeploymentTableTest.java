package dev.syrup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.syrup.api.DeploymentView;
import dev.syrup.api.DeploymentView.Target;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeploymentTableTest {
    @Test
    void oneRowPerTargetWithTheDeploymentOnItsFirst() {
        DeploymentView d = new DeploymentView("3f9c2a1b", new DeploymentView.Owner(1000, "/user.slice/app"),
                new DeploymentView.Policy("examples/rr.c", "0123456789abcdef0123"),
                List.of(new Target("socket-select", "udp", 9000, "/var/run/netns/app", null, List.of(), 4,
                                new long[] {25, 25, 25, 25}, 0, 0, 0, null, null, "attached", 4, "2026-12-03T09:00:00Z", null),
                        new Target("xdp-cpu", "udp", 9000, "/proc/42/ns/net", "eth0", List.of(0, 1), 2,
                                new long[] {7, 3}, 1, 2, 3)));
        assertThat(DeploymentTable.render(List.of(d))).isEqualTo("""
                ID        OWNER                 HOOKS          TARGETS                        POLICY             STATE            DECISIONS
                3f9c2a1b  1000:/user.slice/app  socket-select  udp/9000@app                   rr.c 0123456789ab  attached live=4  25/25/25/25 pass=0 drop=0 fb=0
                                                xdp-cpu        udp/9000@/proc/42/ns/net:eth0                     -                7/3 pass=1 drop=2 fb=3
                """);
    }

    @Test
    void aWaitingTargetShowsNoCounters() {
        DeploymentView d = new DeploymentView("3f9c2a1b", new DeploymentView.Owner(0, "/"),
                new DeploymentView.Policy("rr.c", "0123456789abcdef0123"),
                List.of(new Target("socket-select", "udp", 9000, "/var/run/netns/app", null, List.of(), 4,
                        new long[0], 0, 0, 7, null, null, "waiting", 0, "2026-12-03T09:00:00Z", null)));
        assertThat(DeploymentTable.render(List.of(d))).isEqualTo("""
                ID        OWNER  HOOKS          TARGETS       POLICY             STATE           DECISIONS
                3f9c2a1b  0:/    socket-select  udp/9000@app  rr.c 0123456789ab  waiting live=0  - (waiting: no socket on the port)
                """);
    }

    @Test
    void uptime() {
        assertThat(StatusCommand.uptime(42)).isEqualTo("42s");
        assertThat(StatusCommand.uptime(125)).isEqualTo("2m 5s");
        assertThat(StatusCommand.uptime(7500)).isEqualTo("2h 5m");
        assertThat(StatusCommand.uptime(3 * 86400 + 7200)).isEqualTo("3d 2h");
    }
}
