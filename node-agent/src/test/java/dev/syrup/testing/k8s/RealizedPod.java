package dev.syrup.testing.k8s;

import dev.syrup.testing.NetNs;
import dev.syrup.testing.UdpWorkers;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One pod of a {@link FakeKubelet}: a Pod object (spec.nodeName set, status Running with a container
 * id) and, on this machine, its network namespace, its cgroup
 * {@code kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod<uid_>.slice} under the cgroup v2
 * hierarchy, its sandbox (a process that holds the namespace, in a scope of its own below the pod's
 * cgroup, as the pause container does) and its "container": a {@code udp_workers} server with
 * SO_REUSEPORT sockets on a port, in {@code cri-containerd-<id>.scope} below the pod's cgroup and
 * running in that namespace.
 */
public final class RealizedPod implements AutoCloseable {
    private final FakeKubelet kubelet;
    private final String namespace;
    private final String name;
    private final String uid;
    private final int port;
    private final int sockets;
    private final Path podDir;
    private NetNs netns;
    private Process sandbox;
    private Path sandboxDir;
    private UdpWorkers workers;
    private Path scopeDir;
    private String containerId;
    private int restarts;
    private boolean closed;

    private RealizedPod(FakeKubelet kubelet, String namespace, String name, String uid, int port, int sockets) {
        this.kubelet = kubelet;
        this.namespace = namespace;
        this.name = name;
        this.uid = uid;
        this.port = port;
        this.sockets = sockets;
        this.podDir = kubelet.qosDir().resolve("kubepods-besteffort-pod" + uid.replace('-', '_') + ".slice");
    }

    static RealizedPod start(FakeKubelet kubelet, String namespace, String name, int port, int sockets) {
        Pod pod = kubelet.admin().pods().inNamespace(namespace).resource(new PodBuilder()
                .withNewMetadata().withName(name).addToLabels("app", name).endMetadata()
                .withNewSpec().withNodeName(kubelet.nodeName()).withAutomountServiceAccountToken(false)
                .addNewContainer().withName("server").withImage("example.invalid/udp-workers:1").endContainer()
                .endSpec().build()).create();
        RealizedPod p = new RealizedPod(kubelet, namespace, name, pod.getMetadata().getUid(), port, sockets);
        try {
            p.startSandbox();
        p.startContainer(sockets);
        } catch (RuntimeException e) {
            p.close();
            throw e;
        }
        return p;
    }

    public String namespace() { return namespace; }

    public String name() { return name; }

    public String uid() { return uid; }

    public int port() { return port; }

    public NetNs netns() { return netns; }

    public UdpWorkers workers() { return workers; }

    /** The container's cgroup directory (where its processes are). */
    public Path containerCgroup() { return scopeDir; }

    /** The pod's cgroup directory. */
    public Path podCgroup() { return podDir; }

    /**
     * Restarts the pod as kubelet does after its sandbox died: the processes are killed, a new network
     * namespace and a new container (new id, new cgroup scope, new processes) take their place, and the
     * pod's status shows the new container id and one more restart.
     */
    public void restart() {
        stopContainer();
        stopSandbox();
        restarts++;
        startSandbox();
        startContainer(sockets);
    }

    /**
     * Restarts the container only, as kubelet does after the container's process exited: the sandbox
     * and its network namespace stay, the new container (new id, new cgroup scope below the pod's)
     * binds newSockets sockets. The pod's status is not touched until {@link #reportRestart()}, so a
     * test can tell what the agent did on the binds alone.
     */
    public void restartContainer(int newSockets) {
        stopContainer();
        restarts++;
        startContainer(newSockets);
    }

    /** Reports the container's restart in the pod's status (new container id, one more restart), as kubelet does. */
    public void reportRestart() { markRunning(containerId); }

    /**
     * A command that runs inside the pod: in its cgroup (it moves itself there before it execs) and
     * its network namespace.
     */
    public ProcessBuilder command(List<String> argv) {
        List<String> cmd = new ArrayList<>(List.of("nsenter", "--net=" + netns.path(), "sh", "-c",
                "echo $$ > \"$0\" && exec \"$@\"", scopeDir.resolve("cgroup.procs").toString()));
        cmd.addAll(argv);
        return new ProcessBuilder(cmd);
    }

    private void startSandbox() {
        netns = NetNs.create();
        sandboxDir = podDir.resolve("cri-containerd-" + newId() + ".scope");
        createDirectories(sandboxDir);
        try {
            sandbox = new ProcessBuilder("nsenter", "--net=" + netns.path(), "sh", "-c",
                    "echo $$ > \"$0\" && exec sleep infinity", sandboxDir.resolve("cgroup.procs").toString())
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UncheckedIOException("starting the sandbox of " + this, e);
        }
    }

    private void startContainer(int n) {
        containerId = newId();
        scopeDir = podDir.resolve("cri-containerd-" + containerId + ".scope");
        createDirectories(scopeDir);
        workers = UdpWorkers.on("0.0.0.0", port).in(netns).sockets(n).start();
        try {
            Files.writeString(scopeDir.resolve("cgroup.procs"), Long.toString(workers.pid()));
        } catch (IOException e) {
            throw new UncheckedIOException("moving pid " + workers.pid() + " into " + scopeDir, e);
        }
        markRunning(containerId);
    }

    private static String newId() {
        return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong())
                + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("creating " + dir, e);
        }
    }

    private void markRunning(String containerId) {
        String now = Instant.now().toString();
        kubelet.admin().pods().inNamespace(namespace).withName(name).editStatus(p -> new PodBuilder(p)
                .editOrNewStatus().withPhase("Running").withHostIP("10.0.0.1").withPodIP("10.244.0." + (1 + ThreadLocalRandom.current().nextInt(250)))
                .withStartTime(now)
                .withContainerStatuses(new ContainerStatusBuilder().withName("server").withReady(true)
                        .withRestartCount(restarts).withImage("example.invalid/udp-workers:1")
                        .withImageID("example.invalid/udp-workers@sha256:" + "0".repeat(64))
                        .withContainerID("containerd://" + containerId)
                        .withNewState().withNewRunning().withStartedAt(now).endRunning().endState().build())
                .endStatus().build());
    }

    private void stopContainer() {
        if (workers != null) {
            workers.close();
            workers = null;
        }
        if (scopeDir != null) {
            rmdir(scopeDir);
        }
    }

    private void stopSandbox() {
        if (sandbox != null) {
            sandbox.destroyForcibly();
            try {
                sandbox.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            sandbox = null;
        }
        if (netns != null) {
            netns.close();
            netns = null;
        }
        if (sandboxDir != null) {
            rmdir(sandboxDir);
        }
    }

    /** Stops the processes and removes the namespace and cgroups; the Pod object is deleted if it still exists. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            stopContainer();
            stopSandbox();
        } finally {
            rmdir(podDir);
            kubelet.pruneCgroups();
            try {
                kubelet.admin().pods().inNamespace(namespace).withName(name).withGracePeriod(0).delete();
            } catch (RuntimeException e) {
                // the API server is gone already (JVM shutdown)
            }
        }
    }

    /** Deletes the Pod object (immediately, as kubelet confirms at once); the processes keep running until close. */
    public void deleteObject() {
        kubelet.admin().pods().inNamespace(namespace).withName(name).withGracePeriod(0).delete();
    }

    private static void rmdir(Path dir) {
        // A cgroup goes once its processes are gone; a killed process may take a moment to leave.
        for (int i = 0; i < 100 && Files.exists(dir); i++) {
            try {
                Files.deleteIfExists(dir);
            } catch (IOException e) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    @Override
    public String toString() { return namespace + "/" + name + " (" + uid + ")"; }
}
