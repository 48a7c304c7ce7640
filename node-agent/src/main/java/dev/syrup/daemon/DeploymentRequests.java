package dev.syrup.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.syrup.api.HookSpec;
import dev.syrup.api.Json;
import dev.syrup.api.Request;
import dev.syrup.deploy.TargetState;
import dev.syrup.error.DomainException;
import dev.syrup.hook.HookTarget;
import dev.syrup.node.DeploymentRecord.Owner;
import dev.syrup.node.DeploymentService;
import dev.syrup.policy.PolicySource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** deploy, replace, remove, list and status. The caller's right to the deployment is checked before. */
final class DeploymentRequests {
    private final DeploymentService deployments;
    private final Path pinRoot;
    private final Path stateDir;
    private final List<String> repaired;
    private final int adopted;
    private final Instant started = Instant.now();
    private final Log log;

    DeploymentRequests(DeploymentService deployments, Path pinRoot, Path stateDir, List<String> repaired, Log log) {
        this.deployments = deployments;
        this.pinRoot = pinRoot;
        this.stateDir = stateDir;
        this.repaired = List.copyOf(repaired);
        this.adopted = deployments.list().size();
        this.log = log;
    }

    JsonNode deploy(Request r, PeerIdentity peer) {
        PolicySource source = policy(r);
        if (r.hooks() == null || r.hooks().isEmpty()) {
            throw DomainException.invalid("deploy needs at least one entry in \"hooks\"");
        }
        List<HookTarget> targets = new ArrayList<>();
        for (HookSpec spec : r.hooks()) {
            if (spec == null) {
                throw DomainException.invalid("every entry in \"hooks\" must be an object");
            }
            HookTarget t = HookTargets.of(spec, peer);
            Authorizer.checkTarget(t, peer);
            targets.add(t);
        }
        DeploymentService.Entry e = deployments.deploy(source, targets, Owner.ofCaller(peer.uid(), peer.cgroup()), null,
                id -> {});
        log.info("deployed " + e.id() + " (" + e.deployment().policyName() + ") for uid " + peer.uid() + " at "
                + targets.stream().map(HookTarget::key).toList());
        return Json.MAPPER.valueToTree(Views.of(e, deployments));
    }

    JsonNode replace(Request r) {
        DeploymentService.Entry e = deployments.replace(r.id(), policy(r), null);
        log.info("replaced the policy of " + e.id() + " with " + e.deployment().policyName());
        return Json.MAPPER.valueToTree(Views.of(e, deployments));
    }

    JsonNode remove(Request r) {
        deployments.remove(r.id());
        log.info("removed " + r.id());
        return Json.MAPPER.createObjectNode();
    }

    /** Every deployment, or with pod set only those made for that pod. */
    JsonNode list(String pod) {
        List<Object> views = new ArrayList<>();
        for (DeploymentService.Entry e : deployments.list()) {
            if (pod == null || pod.equals(e.owner().pod())) {
                views.add(Views.of(e, deployments));
            }
        }
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.set("deployments", Json.MAPPER.valueToTree(views));
        return out;
    }

    /** How many socket-select targets are attached, waiting and failed. */
    private Map<String, Integer> targetStates() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (TargetState.State s : TargetState.State.values()) {
            counts.put(s.wireName(), 0);
        }
        for (DeploymentService.Entry e : deployments.list()) {
            for (HookTarget t : e.deployment().targets()) {
                deployments.state(e.id(), t).ifPresent(s -> counts.merge(s.state().wireName(), 1, Integer::sum));
            }
        }
        return counts;
    }

    JsonNode status() {
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("version", Syrupd.VERSION);
        out.put("pinRoot", pinRoot.toString());
        out.put("stateDir", stateDir.toString());
        out.put("deployments", deployments.list().size());
        out.put("uptimeSeconds", Duration.between(started, Instant.now()).toSeconds());
        out.put("adopted", adopted);
        deployments.threadBackend().ifPresent(b -> out.put("threadBackend", b));
        out.set("targets", Json.MAPPER.valueToTree(targetStates()));
        out.set("repaired", Json.MAPPER.valueToTree(repaired));
        return out;
    }

    private static PolicySource policy(Request r) {
        if (r.policy() == null || r.policy().source() == null) {
            throw DomainException.invalid(r.op() + " needs \"policy\": {\"name\", \"source\"}");
        }
        return PolicySource.of(policyName(r), r.policy().source().getBytes(StandardCharsets.UTF_8));
    }

    /** The name the request's policy is shown under in messages. */
    static String policyName(Request r) {
        String name = r.policy() == null ? null : r.policy().name();
        return name == null || name.isBlank() ? "policy.c" : name;
    }
}
