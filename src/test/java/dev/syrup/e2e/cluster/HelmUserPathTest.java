package dev.syrup.e2e.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a user of the project does, on a real one-node cluster (kubelet, containerd, pods as containers):
 * {@code helm install} of helm/syrup with the helm CLI, {@code kubectl apply} of examples/kubernetes, and
 * the server pod's own workers answering exactly round robin; the ConfigMap-sourced policy and its map
 * entry changed by the application in its pod; a replaced server pod attached again; a replaced agent
 * re-adopting with traffic steered throughout; {@code helm upgrade} with policies running; a thread
 * policy on a pod's cgroup; and after the policies are deleted and the chart uninstalled, nothing of
 * Syrup left on the node.
 */
class HelmUserPathTest {
    private static final String SYSTEM = "syrup-system";
    private static final String NS = "udp-demo";
    private static final Duration WAIT = Duration.ofMinutes(3);
    private static LocalCluster cluster;

    @BeforeAll
    static void up() {
        List<Path> images = LocalCluster.chartImages();
        cluster = LocalCluster.up(images);
    }

    @AfterAll
    static void down() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void helmInstallExamplesSteerSurviveRestartsAndUpgradeAndLeaveNothingBehind() throws Exception {
        step("helm install");
        cluster.helm("install", "syrup", "helm/syrup", "-n", SYSTEM, "--create-namespace", "--wait", "--timeout", "5m");
        rollout("deployment/syrup-operator");
        rollout("daemonset/syrup-agent");

        step("kubectl apply -f examples/kubernetes");
        cluster.kubectl("create", "namespace", NS);
        cluster.kubectl("label", "namespace", NS, "pod-security.kubernetes.io/enforce=privileged");
        for (String f : List.of("round-robin-policy.yaml", "choose-from-map-policy.yaml", "udp-server.yaml")) {
            cluster.kubectl("-n", NS, "apply", "-f", "examples/kubernetes/" + f);
        }
        cluster.kubectl("-n", NS, "rollout", "status", "deployment/udp-workers", "--timeout=3m");
        await("both policies Ready with the 2 server pods attached", () -> attached("round-robin") == 2 && attached("choose-from-map") == 2);
        String spol = cluster.kubectl("-n", NS, "get", "schedulingpolicies");
        System.err.println(spol);
        assertThat(spol).containsPattern("round-robin\\s.*\\s2\\s.*True");

        List<String> pods = serverPods();
        assertThat(pods).hasSize(2);
        for (String pod : pods) {
            String ip = podIp(pod);
            assertThat(UdpProbe.counts(ip, 9000, 400)).as("round robin on %s (%s)", pod, ip).containsExactly(100, 100, 100, 100);
            assertThat(UdpProbe.counts(ip, 9001, 100)).as("choice[0] = 2 on %s", pod).containsExactly(0, 0, 100, 0);
        }

        step("metrics of the agent and the operator");
        String agentIp = cluster.kubectl("-n", SYSTEM, "get", "pods", "-l", "app.kubernetes.io/component=agent",
                "-o", "jsonpath={.items[0].status.podIP}").strip();
        String agentMetrics = http("http://" + agentIp + ":9464/metrics");
        assertThat(agentMetrics).containsPattern("syrup_pods_attached\\{[^}]*policy=\"round-robin\"[^}]*} 2");
        assertThat(agentMetrics).contains("syrup_policy_decisions_total{");
        String operatorIp = cluster.kubectl("-n", SYSTEM, "get", "pods", "-l", "app.kubernetes.io/component=operator",
                "-o", "jsonpath={.items[0].status.podIP}").strip();
        assertThat(http("http://" + operatorIp + ":8080/q/metrics")).containsPattern("syrup_policies\\{[^}]*ready=\"True\"[^}]*} 2");

        step("the application changes its map entry from inside its pod");
        String pod = pods.get(0);
        String answer = cluster.kubectl("-n", NS, "exec", pod, "--", "python3", "-c", SET_CHOICE, "1");
        assertThat(answer).contains("\"ok\": true");
        assertThat(UdpProbe.counts(podIp(pod), 9001, 100)).containsExactly(0, 100, 0, 0);
        assertThat(UdpProbe.counts(podIp(pods.get(1)), 9001, 100)).as("the other pod's map is its own").containsExactly(0, 0, 100, 0);

        step("a server pod deleted: its replacement is attached");
        cluster.kubectl("-n", NS, "delete", "pod", pod, "--wait=true");
        cluster.kubectl("-n", NS, "rollout", "status", "deployment/udp-workers", "--timeout=3m");
        await("the replacement pod attached", () -> serverPods().size() == 2 && !serverPods().contains(pod)
                && attached("round-robin") == 2 && attached("choose-from-map") == 2);
        for (String p : serverPods()) {
            assertThat(UdpProbe.counts(podIp(p), 9000, 400)).as("round robin on %s", p).containsExactly(100, 100, 100, 100);
        }

        step("the agent pod deleted: the new agent re-adopts, traffic steered throughout");
        String target = serverPods().get(0);
        String deployment = deploymentOf("round-robin", target);
        String agent = cluster.kubectl("-n", SYSTEM, "get", "pods", "-l", "app.kubernetes.io/component=agent",
                "-o", "jsonpath={.items[0].metadata.name}");
        List<long[]> rounds = steerWhile(podIp(target), () -> {
            cluster.kubectl("-n", SYSTEM, "delete", "pod", agent, "--wait=true");
            rollout("daemonset/syrup-agent");
            await("the new agent reporting the pods attached", () -> attached("round-robin") == 2);
        });
        assertThat(rounds).as("rounds of 40 datagrams during the agent's restart").hasSizeGreaterThan(3);
        rounds.forEach(r -> assertThat(r).containsExactly(10, 10, 10, 10));
        assertThat(deploymentOf("round-robin", target)).as("the same deployment, adopted").isEqualTo(deployment);

        step("the server's container killed in its pod: kubelet restarts it, the agent steers its new sockets, same deployment and maps");
        String ip = podIp(target);
        cluster.kubectl("-n", NS, "exec", target, "--", "python3", "-c", SET_CHOICE, "3");
        assertThat(UdpProbe.counts(ip, 9001, 100)).containsExactly(0, 0, 0, 100);
        String fromMap = deploymentOf("choose-from-map", target);
        int restarts = restartCount(target);
        Instant killedAt = Instant.now();
        killContainer(target);
        await("the server container restarted and ready", () -> restartCount(target) > restarts && ready(target));
        await("round robin exact over the restarted container's sockets",
                () -> Arrays.equals(UdpProbe.counts(ip, 9000, 400), new long[] {100, 100, 100, 100}));
        assertThat(UdpProbe.counts(ip, 9001, 100)).as("the policy's map survived: choice[0] is still 3").containsExactly(0, 0, 0, 100);
        assertThat(deploymentOf("round-robin", target)).as("the same deployment, followed").isEqualTo(deployment);
        assertThat(deploymentOf("choose-from-map", target)).isEqualTo(fromMap);
        await("the node object's status: port 9000 Attached with 4 live executors since the restart", () -> {
            String[] t = targetStatus("round-robin", target, 9000).split(" ");
            return t.length == 3 && t[0].equals("Attached") && t[1].equals("4") && Instant.parse(t[2]).isAfter(killedAt);
        });
        String newAgentIp = cluster.kubectl("-n", SYSTEM, "get", "pods", "-l", "app.kubernetes.io/component=agent",
                "-o", "jsonpath={.items[0].status.podIP}").strip();
        assertThat(http("http://" + newAgentIp + ":9464/metrics"))
                .containsPattern("syrup_target_live_executors\\{[^}]*pod=\"" + target + "\"[^}]*policy=\"round-robin\"[^}]*} 4")
                .containsPattern("syrup_target_state\\{[^}]*pod=\"" + target + "\"[^}]*policy=\"round-robin\"[^}]*state=\"attached\"[^}]*} 1");
        assertThat(cluster.kubectl("-n", SYSTEM, "logs", "-l", "app.kubernetes.io/component=agent", "--tail=-1"))
                .contains("deployment " + deployment + ": ").doesNotContain("bind watcher not attached");
        await("both policies Ready with the 2 server pods attached", () -> attached("round-robin") == 2 && attached("choose-from-map") == 2);

        step("a thread policy in a namespace the tenancy rules do not allow it: refused");
        Path threadYaml = threadPolicyYaml();
        cluster.kubectl("-n", NS, "apply", "-f", threadYaml.toString());
        await("pin-threads refused with HookNotAllowed", () -> condition("pin-threads", "Accepted").equals("False/HookNotAllowed"));
        assertThat(podState("pin-threads", "spinner")).as("no node object for a refused policy").isEmpty();

        step("helm upgrade with changed values (log level; the thread hook granted to the namespace), policies running");
        rounds = steerWhile(podIp(target), () -> {
            cluster.helm("upgrade", "syrup", "helm/syrup", "-n", SYSTEM, "--set", "agent.logLevel=DEBUG",
                    "--set", "tenancy.hooks.thread.namespaces={" + NS + "}", "--wait", "--timeout", "5m");
            rollout("deployment/syrup-operator");
            rollout("daemonset/syrup-agent");
        });
        rounds.forEach(r -> assertThat(r).containsExactly(10, 10, 10, 10));
        assertThat(cluster.kubectl("-n", SYSTEM, "get", "daemonset/syrup-agent", "-o",
                "jsonpath={.spec.template.spec.containers[0].env[?(@.name==\"SYRUP_LOG_LEVEL\")].value}")).isEqualTo("DEBUG");
        await("policies Ready after the upgrade", () -> attached("round-robin") == 2 && attached("choose-from-map") == 2);

        step("the thread policy, now allowed, on the pod's cgroup");
        threadPolicy();

        step("policies deleted, chart uninstalled: nothing left on the node");
        for (String f : List.of("round-robin-policy.yaml", "choose-from-map-policy.yaml")) {
            cluster.kubectl("-n", NS, "delete", "-f", "examples/kubernetes/" + f, "--wait=true", "--timeout=2m");
        }
        cluster.kubectl("-n", NS, "delete", "schedulingpolicy", "pin-threads", "--wait=true", "--timeout=2m");
        assertThat(cluster.kubectl("get", "schedulingpolicynodes", "-A", "-o", "name")).isBlank();
        cluster.helm("uninstall", "syrup", "-n", SYSTEM, "--wait", "--timeout", "3m");
        await("the chart's pods gone", () -> cluster.kubectl("-n", SYSTEM, "get", "pods", "-o", "name").isBlank());
        assertThat(leftInBpffs()).as("pins under /sys/fs/bpf/syrup").isEmpty();
        assertThat(records()).as("deployment records and thread state in /run/syrup-agent/state").isEmpty();
        assertThat(xdpPrograms()).as("XDP programs on the node").isEmpty();
        for (String p : serverPods()) {
            long[] linux = UdpProbe.counts(podIp(p), 9000, 400);
            assertThat(Arrays.stream(linux).sum()).isEqualTo(400);
            System.err.println("Linux's default on " + p + ": " + Arrays.toString(linux));
        }
    }

    /** The application's side: set choice[0] of the choose-from-map deployment of its own pod, through the agent's socket. */
    private static final String SET_CHOICE = """
            import json, socket, struct, sys
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect("/run/syrup/syrupd.sock")
            f = s.makefile("rw")
            def ask(req):
                f.write(json.dumps(req) + "\\n"); f.flush()
                return json.loads(f.readline())
            deps = ask({"op": "list"})["result"]["deployments"]
            dep = next(d for d in deps if any(t.get("port") == 9001 for t in d["targets"]))
            print(json.dumps(ask({"op": "map.set", "id": dep["id"], "map": "choice",
                                  "key": struct.pack("<I", 0).hex(), "value": struct.pack("<I", int(sys.argv[1])).hex()})))
            """;

    /** A thread-hook policy pinning the threads of pod "spinner" to CPU 0, and the pod. */
    private static Path threadPolicyYaml() throws IOException {
        Path yaml = Files.createTempFile("pin-threads", ".yaml");
        yaml.toFile().deleteOnExit();
        Files.writeString(yaml, """
                apiVersion: syrup.dev/v1alpha1
                kind: SchedulingPolicy
                metadata: {name: pin-threads}
                spec:
                  hooks: [{type: thread, cpus: [0]}]
                  podSelector: {matchLabels: {app: spinner}}
                  source: |
                    #include "syrup.h"
                    uint32_t schedule_thread(const struct syrup_thread *t) { return 0; }
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: spinner, labels: {app: spinner}}
                spec:
                  terminationGracePeriodSeconds: 1
                  containers:
                    - name: spin
                      image: python:3.12-slim
                      # Three threads that wake up every millisecond: each has scheduler events to decide on.
                      command: ["python3", "-c", "import threading, time\\ndef spin():\\n  while True: time.sleep(0.001)\\nfor i in range(2): threading.Thread(target=spin).start()\\nspin()"]
                """);
        return yaml;
    }

    /** The thread policy, accepted once the rules allow it, attached to the spinner's cgroup: its threads on CPU 0. */
    private void threadPolicy() {
        cluster.kubectl("-n", NS, "wait", "--for=condition=Ready", "pod/spinner", "--timeout=2m");
        await("pin-threads accepted after the rules changed", () -> condition("pin-threads", "Accepted").startsWith("True/"));
        await("the thread policy's pod state", () -> !podState("pin-threads", "spinner").isEmpty()
                && !podState("pin-threads", "spinner").startsWith("Pending"));
        String state = podState("pin-threads", "spinner");
        System.err.println("thread policy on pod spinner: " + state);
        assertThat(state).startsWith("Attached");
        // The threads of the pod's process run on CPU 0 only (the affinity backend of this kernel).
        await("the spinner's threads on CPU 0", () -> cluster.kubectl("-n", NS, "exec", "spinner", "--", "sh", "-c",
                "grep -h Cpus_allowed_list /proc/1/task/*/status | sort -u").strip().equals("Cpus_allowed_list:\t0"));
        cluster.kubectl("-n", NS, "delete", "pod", "spinner", "--wait=true");
    }

    /** "STATUS/REASON" of the policy's condition of this type, or "/" when it has none yet. */
    private static String condition(String policy, String type) {
        return cluster.kubectl("-n", NS, "get", "schedulingpolicy", policy, "-o",
                "jsonpath={.status.conditions[?(@.type==\"" + type + "\")].status}/{.status.conditions[?(@.type==\"" + type
                        + "\")].reason}").strip();
    }

    /** Runs the action while sending rounds of 40 datagrams to ip:9000; the counts of each round. */
    private static List<long[]> steerWhile(String ip, ThrowingRunnable action) throws Exception {
        List<long[]> rounds = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean stop = new AtomicBoolean();
        Throwable[] failure = new Throwable[1];
        Thread sender = new Thread(() -> {
            try {
                while (!stop.get()) {
                    rounds.add(UdpProbe.counts(ip, 9000, 40));
                }
            } catch (Throwable t) {
                failure[0] = t;
            }
        }, "steer-while");
        sender.start();
        try {
            action.run();
        } finally {
            stop.set(true);
            sender.join();
        }
        if (failure[0] != null) {
            throw new AssertionError("traffic during the change", failure[0]);
        }
        synchronized (rounds) {
            return new ArrayList<>(rounds);
        }
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    private static void rollout(String workload) {
        cluster.kubectl("-n", SYSTEM, "rollout", "status", workload, "--timeout=5m");
    }

    private static List<String> serverPods() {
        // Running and not being deleted: "NAME " with no deletion timestamp after it.
        String names = cluster.kubectl("-n", NS, "get", "pods", "-l", "app=udp-workers", "--field-selector=status.phase=Running",
                "-o", "jsonpath={range .items[*]}{.metadata.name} {.metadata.deletionTimestamp}{\"\\n\"}{end}");
        return names.lines().map(String::strip).filter(s -> !s.isEmpty() && !s.contains(" ")).toList();
    }

    private static int restartCount(String pod) {
        String n = cluster.kubectl("-n", NS, "get", "pod", pod, "-o", "jsonpath={.status.containerStatuses[0].restartCount}").strip();
        return n.isEmpty() ? 0 : Integer.parseInt(n);
    }

    private static boolean ready(String pod) {
        return "true".equals(cluster.kubectl("-n", NS, "get", "pod", pod, "-o", "jsonpath={.status.containerStatuses[0].ready}").strip());
    }

    /** SIGKILL to the processes of the pod's (first) container, from the node, as a crash would end them. */
    private static void killContainer(String pod) throws IOException {
        String id = cluster.kubectl("-n", NS, "get", "pod", pod, "-o", "jsonpath={.status.containerStatuses[0].containerID}").strip();
        id = id.substring(id.indexOf("://") + 3);
        assertThat(id).as("container id of %s", pod).hasSizeGreaterThan(12);
        int killed = 0;
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                String cgroup;
                try {
                    cgroup = Files.readString(proc.resolve("cgroup"));
                } catch (IOException gone) {
                    continue;
                }
                if (cgroup.contains(id)) {
                    Optional<ProcessHandle> h = ProcessHandle.of(Long.parseLong(proc.getFileName().toString()));
                    if (h.isPresent() && h.get().destroyForcibly()) {
                        killed++;
                    }
                }
            }
        }
        assertThat(killed).as("processes of container %s killed", id).isPositive();
    }

    private static String podIp(String pod) {
        return cluster.kubectl("-n", NS, "get", "pod", pod, "-o", "jsonpath={.status.podIP}").strip();
    }

    /** The policy's status.attachedPods when it is Ready, else -1. */
    private static int attached(String policy) {
        String s = cluster.kubectl("-n", NS, "get", "schedulingpolicy", policy, "-o",
                "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}/{.status.attachedPods}");
        return s.startsWith("True/") && s.length() > 5 ? Integer.parseInt(s.substring(5)) : -1;
    }

    /** "STATE MESSAGE" of the pod in the policy's node objects, or "". */
    private static String podState(String policy, String pod) {
        return cluster.kubectl("-n", NS, "get", "schedulingpolicynodes", "-o",
                "jsonpath={range .items[?(@.spec.policy==\"" + policy + "\")]}{range .status.pods[?(@.name==\"" + pod
                        + "\")]}{.state} {.message}{end}{end}").strip();
    }

    /** "STATE LIVE CHANGED-AT" of the pod's target on port in the policy's node objects, or "". */
    private static String targetStatus(String policy, String pod, int port) {
        return cluster.kubectl("-n", NS, "get", "schedulingpolicynodes", "-o",
                "jsonpath={range .items[?(@.spec.policy==\"" + policy + "\")]}{range .status.pods[?(@.name==\"" + pod
                        + "\")]}{range .targets[?(@.port==" + port + ")]}{.state} {.liveExecutors} {.changedAt}{end}{end}{end}").strip();
    }

    private static String deploymentOf(String policy, String pod) {
        return cluster.kubectl("-n", NS, "get", "schedulingpolicynodes", "-o",
                "jsonpath={range .items[?(@.spec.policy==\"" + policy + "\")]}{range .status.pods[?(@.name==\"" + pod
                        + "\")]}{.deployment}{end}{end}").strip();
    }

    private static String http(String url) {
        try {
            var client = java.net.http.HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            var response = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(url).isEqualTo(200);
            return response.body();
        } catch (IOException e) {
            throw new AssertionError(url + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted: " + url);
        }
    }

    private static List<String> leftInBpffs() throws IOException {
        Path root = Path.of("/sys/fs/bpf/syrup");
        if (!Files.exists(root)) {
            return List.of();
        }
        try (var files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).map(Path::toString).toList();
        }
    }

    /** Files in the agent's state directory: records under deployments/, the thread backend's under threads/. */
    private static List<String> records() throws IOException {
        Path dir = Path.of("/run/syrup-agent/state");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var files = Files.walk(dir)) {
            return files.filter(p -> !Files.isDirectory(p)).map(Path::toString).toList();
        }
    }

    /** XDP programs loaded on the node (bpftool), none expected once Syrup is gone. */
    private static List<String> xdpPrograms() {
        LocalCluster.Result r = LocalCluster.run(List.of("bpftool", "prog", "show"), Duration.ofSeconds(30), Path.of("/"));
        return r.output().lines().filter(l -> l.contains(": xdp ") && l.contains("syrup")).toList();
    }

    private static void await(String what, Supplier<Boolean> condition) {
        Instant deadline = Instant.now().plus(WAIT);
        while (true) {
            try {
                if (condition.get()) {
                    return;
                }
            } catch (AssertionError retry) {
                // a kubectl that failed this time (object not there yet)
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("no " + what + " within " + WAIT.toSeconds() + " s\n" + diagnostics());
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }

    private static String diagnostics() {
        StringBuilder b = new StringBuilder();
        for (String[] cmd : List.of(new String[] {"get", "pods", "-A", "-o", "wide"},
                new String[] {"-n", NS, "get", "schedulingpolicies,schedulingpolicynodes", "-o", "yaml"},
                new String[] {"-n", SYSTEM, "logs", "-l", "app.kubernetes.io/component=agent", "--tail=40"},
                new String[] {"-n", SYSTEM, "logs", "-l", "app.kubernetes.io/component=operator", "--tail=40"})) {
            b.append("--- kubectl ").append(String.join(" ", cmd)).append('\n').append(cluster.tryKubectl(cmd).output());
        }
        return b.toString();
    }

    private static void step(String what) {
        System.err.printf("%s STEP %s%n", Instant.now(), what);
    }
}
