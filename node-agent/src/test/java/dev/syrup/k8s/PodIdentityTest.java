package dev.syrup.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PodIdentityTest {
    private static final String UID = "0a1b2c3d-4e5f-6789-abcd-ef0123456789";

    @Test
    void systemdLayout() {
        assertThat(PodIdentity.podUidOf("/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod"
                + UID.replace('-', '_') + ".slice/cri-containerd-1234.scope")).isEqualTo(UID);
        assertThat(PodIdentity.podUidOf("/kubepods.slice/kubepods-pod" + UID.replace('-', '_') + ".slice")).isEqualTo(UID);
    }

    @Test
    void cgroupfsLayout() {
        assertThat(PodIdentity.podUidOf("/kubepods/burstable/pod" + UID + "/abcdef")).isEqualTo(UID);
    }

    @Test
    void aPrivateCgroupNamespaceStillShowsThePod() {
        assertThat(PodIdentity.podUidOf("/../../kubepods-besteffort-pod" + UID.replace('-', '_') + ".slice/cri-containerd-9.scope"))
                .isEqualTo(UID);
    }

    @Test
    void notAPod() {
        assertThat(PodIdentity.podUidOf("/user.slice/user-0.slice/session-1.scope")).isNull();
        assertThat(PodIdentity.podUidOf("/kubepods.slice/kubepods-besteffort.slice")).isNull();
        assertThat(PodIdentity.podUidOf("/system.slice/pod" + UID + ".service")).isNull();
        assertThat(PodIdentity.podUidOf("/")).isNull();
    }

    @Test
    void v2MountOfHybridAndPureHosts(@TempDir Path dir) throws IOException {
        Path hybrid = dir.resolve("hybrid");
        Files.writeString(hybrid, """
                25 30 0:22 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755
                26 25 0:23 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:10 - cgroup2 cgroup2 rw,nsdelegate
                27 25 0:24 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime shared:11 - cgroup cgroup rw,xattr,name=systemd
                """);
        assertThat(CgroupLocator.v2Mount(hybrid)).isEqualTo(Path.of("/sys/fs/cgroup/unified"));
        Path container = dir.resolve("container");
        Files.writeString(container, """
                600 590 0:30 /kubepods.slice/kubepods-pod1.slice /sys/fs/cgroup ro,nosuid - cgroup2 cgroup rw
                601 590 0:30 / /host/sys/fs/cgroup rw,nosuid shared:5 - cgroup2 cgroup rw
                """);
        assertThat(CgroupLocator.v2Mount(container)).isEqualTo(Path.of("/host/sys/fs/cgroup"));
    }

    @Test
    void podDirectoryByUid(@TempDir Path root) throws IOException {
        Path pod = root.resolve("kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + UID.replace('-', '_') + ".slice");
        Files.createDirectories(pod.resolve("cri-containerd-1.scope"));
        Files.createDirectories(root.resolve("system.slice/ssh.service"));
        CgroupLocator locator = new CgroupLocator(root);
        assertThat(locator.podDir(UID)).contains(pod);
        assertThat(locator.podDir("ffffffff-4e5f-6789-abcd-ef0123456789")).isEmpty();
        assertThat(locator.cgroupPath(pod)).isEqualTo("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod"
                + UID.replace('-', '_') + ".slice");
    }
}
