package dev.syrup.crds.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

import java.util.List;

/** Limits every namespace gets, and namespaces that get other limits. Unset: no limit. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NamespaceLimits {
    @JsonPropertyDescription("SchedulingPolicies a namespace may have; the oldest are accepted, later ones refused.")
    @Min(0)
    private Integer policies;

    @JsonPropertyDescription("Bytes of BPF maps and globals (entries x (key + value), per-CPU values once per CPU of the "
            + "operator's node) the accepted policies of a namespace may declare together, counted once per policy.")
    @Min(0)
    private Long mapBytes;

    @JsonPropertyDescription("Namespaces with their own limits (a limit left unset here falls back to the one above).")
    @Size(max = 64)
    // namespace is a reserved word in CEL: Kubernetes exposes the field as __namespace__
    @ValidationRule(value = "self.all(o, self.exists_one(p, p.__namespace__ == o.__namespace__))", message = "a namespace is listed once")
    private List<Override> overrides;

    public NamespaceLimits() {}

    public NamespaceLimits(Integer policies, Long mapBytes) {
        this.policies = policies;
        this.mapBytes = mapBytes;
    }

    public Integer getPolicies() { return policies; }
    public void setPolicies(Integer policies) { this.policies = policies; }
    public Long getMapBytes() { return mapBytes; }
    public void setMapBytes(Long mapBytes) { this.mapBytes = mapBytes; }
    public List<Override> getOverrides() { return overrides; }
    public void setOverrides(List<Override> overrides) { this.overrides = overrides; }

    /** One namespace's limits. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Override {
        @Required
        @Pattern("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
        @Size(max = 63)
        private String namespace;
        @Min(0)
        private Integer policies;
        @Min(0)
        private Long mapBytes;

        public Override() {}

        public Override(String namespace, Integer policies, Long mapBytes) {
            this.namespace = namespace;
            this.policies = policies;
            this.mapBytes = mapBytes;
        }

        public String getNamespace() { return namespace; }
        public void setNamespace(String namespace) { this.namespace = namespace; }
        public Integer getPolicies() { return policies; }
        public void setPolicies(Integer policies) { this.policies = policies; }
        public Long getMapBytes() { return mapBytes; }
        public void setMapBytes(Long mapBytes) { this.mapBytes = mapBytes; }
    }
}
