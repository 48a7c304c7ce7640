package dev.syrup.testing.k8s;

import dev.syrup.crds.SyrupLabels;
import dev.syrup.crds.v1alpha1.HookType;
import dev.syrup.crds.v1alpha1.MapEntries;
import dev.syrup.crds.v1alpha1.PolicyHook;
import dev.syrup.crds.v1alpha1.SchedulingPolicyNode;
import dev.syrup.crds.v1alpha1.SchedulingPolicyNodeSpec;
import dev.syrup.crds.v1alpha1.SchedulingPolicyNodeStatus;
import dev.syrup.testing.SyrupdProcess;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/** Writes SchedulingPolicyNode objects the way the operator does, and waits for what an agent reports. */
public final class NodeObjects {
    public static final Duration WAIT = Duration.ofSeconds(120);

    private final KubernetesClient admin;

    public NodeObjects(KubernetesClient admin) { this.admin = admin; }

    public static PolicyHook socketSelect(int port, int executors) {
        PolicyHook h = new PolicyHook(HookType.SOCKET_SELECT, port);
        h.setExecutors(executors);
        return h;
    }

    /** The object for policy on node, selecting pods: name POLICY-NODE, labelled with both, generation 1 of the policy. */
    public SchedulingPolicyNode create(String namespace, String policy, String node, String source, List<PolicyHook> hooks,
                                       List<MapEntries> maps, List<RealizedPod> pods) {
        SchedulingPolicyNodeSpec spec = new SchedulingPolicyNodeSpec();
        spec.setPolicy(policy);
        spec.setNodeName(node);
        spec.setPolicyGeneration(1L);
        spec.setSource(source);
        spec.setSourceHash(sha256(source));
        spec.setHooks(hooks);
        spec.setMaps(maps);
        spec.setPods(pods.stream().map(p -> new SchedulingPolicyNodeSpec.PodRef(p.name(), p.uid())).toList());
        SchedulingPolicyNode obj = new SchedulingPolicyNode();
        obj.setMetadata(new ObjectMetaBuilder().withName(policy + "-" + node).withNamespace(namespace)
                .addToLabels(SyrupLabels.NODE_LABEL, node).addToLabels(SyrupLabels.POLICY_LABEL, policy).build());
        obj.setSpec(spec);
        return admin.resources(SchedulingPolicyNode.class).inNamespace(namespace).resource(obj).create();
    }

    /** Changes the spec as the operator would after the policy changed (its generation goes up by one). */
    public SchedulingPolicyNode editSpec(SchedulingPolicyNode obj, Consumer<SchedulingPolicyNodeSpec> change) {
        // The agent writes the status whenever a target changes: an edit of the version just read may
        // conflict with such a write (409), and is then made again on the newer version.
        for (int attempt = 1; ; attempt++) {
            try {
                return admin.resources(SchedulingPolicyNode.class).inNamespace(obj.getMetadata().getNamespace())
                        .withName(obj.getMetadata().getName()).edit(o -> {
                            change.accept(o.getSpec());
                            if (o.getSpec().getSource() != null) {
                                o.getSpec().setSourceHash(sha256(o.getSpec().getSource()));
                            }
                            o.getSpec().setPolicyGeneration(o.getSpec().getPolicyGeneration() + 1);
                            return o;
                        });
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 || attempt == 5) {
                    throw e;
                }
            }
        }
    }

    public SchedulingPolicyNode get(SchedulingPolicyNode obj) {
        return admin.resources(SchedulingPolicyNode.class).inNamespace(obj.getMetadata().getNamespace())
                .withName(obj.getMetadata().getName()).get();
    }

    public void delete(SchedulingPolicyNode obj) {
        admin.resources(SchedulingPolicyNode.class).inNamespace(obj.getMetadata().getNamespace())
                .withName(obj.getMetadata().getName()).delete();
    }

    /**
     * Polls the object until its status satisfies condition (for the current generation) and returns it;
     * fails after {@link #WAIT} with the last status and the agent's log.
     */
    public SchedulingPolicyNode awaitStatus(SchedulingPolicyNode obj, Predicate<SchedulingPolicyNodeStatus> condition,
                                            AgentProcess agent) {
        Instant deadline = Instant.now().plus(WAIT);
        SchedulingPolicyNode last = null;
        while (Instant.now().isBefore(deadline)) {
            last = get(obj);
            if (last != null && last.getStatus() != null
                    && last.getMetadata().getGeneration().equals(last.getStatus().getObservedGeneration())
                    && condition.test(last.getStatus())) {
                return last;
            }
            SyrupdProcess.sleep(100);
        }
        throw new AssertionError("status of " + obj.getMetadata().getNamespace() + "/" + obj.getMetadata().getName()
                + " never matched; last: " + (last == null ? "gone" : admin.getKubernetesSerialization().asYaml(last))
                + "\n--- agent log (tail) ---\n" + tail(agent == null ? "" : agent.log()));
    }

    /** Waits until the object is gone (the agent removed its finalizer after detaching). */
    public void awaitGone(SchedulingPolicyNode obj, AgentProcess agent) {
        Instant deadline = Instant.now().plus(WAIT);
        while (get(obj) != null) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError(obj.getMetadata().getName() + " is still there: "
                        + admin.getKubernetesSerialization().asYaml(get(obj)) + "\n--- agent log (tail) ---\n" + tail(agent.log()));
            }
            SyrupdProcess.sleep(100);
        }
    }

    /** The status of the one pod an object selects that has this name. */
    public static SchedulingPolicyNodeStatus.PodAttachment pod(SchedulingPolicyNodeStatus s, String name) {
        return s.getPods().stream().filter(p -> name.equals(p.getName())).findFirst().orElse(null);
    }

    public static boolean attached(SchedulingPolicyNodeStatus s, int pods) {
        return s.getAttachedPods() != null && s.getAttachedPods() == pods && s.getSelectedPods() == pods;
    }

    public static String tail(String log) {
        String[] lines = log.split("\n");
        return String.join("\n", List.of(lines).subList(Math.max(0, lines.length - 60), lines.length));
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
