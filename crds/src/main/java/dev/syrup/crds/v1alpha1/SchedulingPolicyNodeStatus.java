package dev.syrup.crds.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import java.util.ArrayList;
import java.util.List;

/** Written by the node's agent. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SchedulingPolicyNodeStatus {
    @JsonPropertyDescription("metadata.generation of this object the agent last acted on.")
    private Long observedGeneration;
    @JsonPropertyDescription("spec.policyGeneration the agent last acted on.")
    private Long policyGeneration;
    private Integer selectedPods;
    private Integer attachedPods;
    private Integer failedPods;
    @JsonPropertyDescription("Why the policy itself failed on this node, in CamelCase (CompileFailed, VerifierRejected, ...); unset when it did not.")
    private String reason;
    @JsonPropertyDescription("A failure that concerns the policy itself on this node (e.g. the verifier's rejection with the policy line), not one pod.")
    private String message;
    @JsonPropertyDescription("Thread scheduling backend on this node: sched_ext or affinity (thread hooks only).")
    private String threadBackend;
    private List<PodAttachment> pods = new ArrayList<>();

    public Long getObservedGeneration() { return observedGeneration; }
    public void setObservedGeneration(Long observedGeneration) { this.observedGeneration = observedGeneration; }
    public Long getPolicyGeneration() { return policyGeneration; }
    public void setPolicyGeneration(Long policyGeneration) { this.policyGeneration = policyGeneration; }
    public Integer getSelectedPods() { return selectedPods; }
    public void setSelectedPods(Integer selectedPods) { this.selectedPods = selectedPods; }
    public Integer getAttachedPods() { return attachedPods; }
    public void setAttachedPods(Integer attachedPods) { this.attachedPods = attachedPods; }
    public Integer getFailedPods() { return failedPods; }
    public void setFailedPods(Integer failedPods) { this.failedPods = failedPods; }
    public String getReason() { return reason; }
    public void setReason(String reason) { this.reason = reason; }
    public String getMessage() { return message; }
    public void setMessage(String message) { this.message = message; }
    public String getThreadBackend() { return threadBackend; }
    public void setThreadBackend(String threadBackend) { this.threadBackend = threadBackend; }
    public List<PodAttachment> getPods() { return pods; }
    public void setPods(List<PodAttachment> pods) { this.pods = pods; }

    /** One selected pod as the agent sees it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class PodAttachment {
        private String name;
        private String uid;
        @JsonPropertyDescription("Attached (at every hook), Pending (not running yet: no process, socket or namespace), Failed.")
        private PodState state;
        private String message;
        @JsonPropertyDescription("The syrupd deployment id on the node.")
        private String deployment;
        @JsonPropertyDescription("Per socket-select hook of the deployment: whether it steers the pod's sockets now (the agent follows the sockets the pod binds). Written when it changes.")
        private List<TargetStatus> targets;

        public PodAttachment() {}
        public PodAttachment(String name, String uid, PodState state, String message) {
            this.name = name; this.uid = uid; this.state = state; this.message = message;
        }

        public String getName() { return name; }
        public void setName(String name) { this.name = name; }
        public String getUid() { return uid; }
        public void setUid(String uid) { this.uid = uid; }
        public PodState getState() { return state; }
        public void setState(PodState state) { this.state = state; }
        public String getMessage() { return message; }
        public void setMessage(String message) { this.message = message; }
        public String getDeployment() { return deployment; }
        public void setDeployment(String deployment) { this.deployment = deployment; }
        public List<TargetStatus> getTargets() { return targets; }
        public void setTargets(List<TargetStatus> targets) { this.targets = targets; }
    }

    /** One hook target of a pod's deployment as the agent's follower sees it now. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class TargetStatus {
        private HookType hook;
        private TransportProtocol protocol;
        private Integer port;
        @JsonPropertyDescription("Attached (steering the live executors), Waiting (no socket of the pod is bound to the port, e.g. its container is restarting), Failed (message says why).")
        private TargetState state;
        @JsonPropertyDescription("Sockets the policy chooses among now (what syrup_executors() returns).")
        private Integer liveExecutors;
        @JsonPropertyDescription("When state or liveExecutors last changed (RFC 3339).")
        private String changedAt;
        private String message;

        public TargetStatus() {}
        public TargetStatus(HookType hook, TransportProtocol protocol, Integer port, TargetState state,
                            Integer liveExecutors, String changedAt, String message) {
            this.hook = hook; this.protocol = protocol; this.port = port; this.state = state;
            this.liveExecutors = liveExecutors; this.changedAt = changedAt; this.message = message;
        }

        public HookType getHook() { return hook; }
        public void setHook(HookType hook) { this.hook = hook; }
        public TransportProtocol getProtocol() { return protocol; }
        public void setProtocol(TransportProtocol protocol) { this.protocol = protocol; }
        public Integer getPort() { return port; }
        public void setPort(Integer port) { this.port = port; }
        public TargetState getState() { return state; }
        public void setState(TargetState state) { this.state = state; }
        public Integer getLiveExecutors() { return liveExecutors; }
        public void setLiveExecutors(Integer liveExecutors) { this.liveExecutors = liveExecutors; }
        public String getChangedAt() { return changedAt; }
        public void setChangedAt(String changedAt) { this.changedAt = changedAt; }
        public String getMessage() { return message; }
        public void setMessage(String message) { this.message = message; }
    }

    public enum TargetState { Attached, Waiting, Failed }

    public enum PodState { Attached, Pending, Failed }
}
