package dev.syrup.crds.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

import java.util.ArrayList;
import java.util.List;

/** Written by the operator: the resolved policy and the selected pods on the node. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SchedulingPolicyNodeSpec {
    @Required
    private String policy;
    @Required
    private String nodeName;
    @JsonPropertyDescription("metadata.generation of the policy this spec was computed from.")
    private Long policyGeneration;
    @JsonPropertyDescription("The policy's C source, resolved (a ConfigMap source is copied here so agents need no ConfigMap access).")
    @Required
    @io.fabric8.generator.annotation.Size(max = 262144)
    private String source;
    @JsonPropertyDescription("SHA-256 of source.")
    private String sourceHash;
    @Required
    @io.fabric8.generator.annotation.Size(max = 8)
    private List<PolicyHook> hooks = new ArrayList<>();
    @io.fabric8.generator.annotation.Size(max = 64)
    private List<MapEntries> maps;
    @JsonPropertyDescription("The selected pods on this node.")
    private List<PodRef> pods = new ArrayList<>();

    public String getPolicy() { return policy; }
    public void setPolicy(String policy) { this.policy = policy; }
    public String getNodeName() { return nodeName; }
    public void setNodeName(String nodeName) { this.nodeName = nodeName; }
    public Long getPolicyGeneration() { return policyGeneration; }
    public void setPolicyGeneration(Long policyGeneration) { this.policyGeneration = policyGeneration; }
    public String getSource() { return source; }
    public void setSource(String source) { this.source = source; }
    public String getSourceHash() { return sourceHash; }
    public void setSourceHash(String sourceHash) { this.sourceHash = sourceHash; }
    public List<PolicyHook> getHooks() { return hooks; }
    public void setHooks(List<PolicyHook> hooks) { this.hooks = hooks; }
    public List<MapEntries> getMaps() { return maps; }
    public void setMaps(List<MapEntries> maps) { this.maps = maps; }
    public List<PodRef> getPods() { return pods; }
    public void setPods(List<PodRef> pods) { this.pods = pods; }

    public static class PodRef {
        @Required
        private String name;
        @Required
        private String uid;

        public PodRef() {}
        public PodRef(String name, String uid) { this.name = name; this.uid = uid; }

        public String getName() { return name; }
        public void setName(String name) { this.name = name; }
        public String getUid() { return uid; }
        public void setUid(String uid) { this.uid = uid; }

        @Override
        public boolean equals(Object o) { return o instanceof PodRef p && java.util.Objects.equals(name, p.name) && java.util.Objects.equals(uid, p.uid); }

        @Override
        public int hashCode() { return java.util.Objects.hash(name, uid); }
    }
}
