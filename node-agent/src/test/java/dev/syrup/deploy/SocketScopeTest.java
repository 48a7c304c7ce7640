package dev.syrup.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which cgroups a scope admits (the real sockets' path is covered by ExecutorFollowerTest and AgentTest). */
class SocketScopeTest {
    private static final String POD = "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1_2.slice";

    @Test
    void aPodsScopeAdmitsItsContainersCgroupsAndNoOtherPods() {
        SocketScope scope = SocketScope.ofPod(POD + "/");
        assertThat(scope.admitsCgroup(POD)).isTrue();
        assertThat(scope.admitsCgroup(POD + "/cri-containerd-a.scope")).isTrue();
        assertThat(scope.admitsCgroup(POD + "/cri-containerd-b.scope")).as("a restarted container").isTrue();
        assertThat(scope.admitsCgroup(POD.replace("pod1_2", "pod1_23") + "/cri-containerd-a.scope"))
                .as("a pod whose name starts with this one's").isFalse();
        assertThat(scope.admitsCgroup("/kubepods.slice/kubepods-besteffort.slice")).isFalse();
        assertThat(scope.admitsCgroup("/system.slice/other.service")).isFalse();
    }

    @Test
    void aCallersScopeAdmitsItsOwnCgroupOnly() {
        SocketScope scope = new SocketScope(Set.of(1000), Set.of("/user.slice/app.scope"), false);
        assertThat(scope.admitsCgroup("/user.slice/app.scope")).isTrue();
        assertThat(scope.admitsCgroup("/user.slice/app.scope/child")).isFalse();
        assertThat(SocketScope.ofUid(1000).admitsCgroup("/anywhere")).isTrue();
    }

    @Test
    void aScopeNamesSomebody() {
        assertThatThrownBy(() -> SocketScope.ofPod("/")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SocketScope.ofPod("kubepods")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SocketScope(Set.of(), Set.of(), true)).isInstanceOf(IllegalArgumentException.class);
    }
}
