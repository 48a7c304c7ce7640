package dev.syrup.crds.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "has(self.source) != has(self.sourceFrom)",
        message = "exactly one of source and sourceFrom must be set")
@ValidationRule(value = "self.hooks.all(h, self.hooks.exists_one(g, g.type == h.type"
        + " && (has(g.port) ? g.port : 0) == (has(h.port) ? h.port : 0)"
        + " && (has(g.protocol) ? g.protocol : 'UDP') == (has(h.protocol) ? h.protocol : 'UDP')))",
        message = "hooks must not repeat the same type, port and protocol")
@ValidationRule(value = "self.hooks.all(h, !(h.type == 'xdp-cpu' || h.type == 'xdp-socket')"
        + " || self.hooks.exists_one(g, (g.type == 'xdp-cpu' || g.type == 'xdp-socket')"
        + " && (has(g.port) ? g.port : 0) == (has(h.port) ? h.port : 0)"
        + " && (has(g.protocol) ? g.protocol : 'UDP') == (has(h.protocol) ? h.protocol : 'UDP')"
        + " && (has(g.interface) ? g.interface : 'eth0') == (has(h.interface) ? h.interface : 'eth0')))",
        message = "xdp-cpu and xdp-socket hooks must not share a port and protocol on one interface")
public class SchedulingPolicySpec {
    @JsonPropertyDescription("The policy's C source, written against syrup.h (exactly one of source and sourceFrom).")
    @Size(min = 1, max = 262144)
    private String source;

    @JsonPropertyDescription("Where to read the policy's C source from (exactly one of source and sourceFrom).")
    private PolicySourceFrom sourceFrom;

    @JsonPropertyDescription("The hooks to deploy the policy at, in each selected pod.")
    @Required
    @Size(min = 1, max = 8)
    private List<PolicyHook> hooks = new ArrayList<>();

    @JsonPropertyDescription("Selects pods of the policy's namespace, in addition to those annotated syrup.dev/policy=<name>.")
    private PodSelector podSelector;

    @JsonPropertyDescription("Entries written into the policy's maps when it is deployed in a pod.")
    @Size(max = 64)
    @ValidationRule(value = "self.all(m, self.exists_one(n, n.map == m.map))", message = "maps must not name the same map twice")
    private List<MapEntries> maps;

    public String getSource() { return source; }
    public void setSource(String source) { this.source = source; }
    public PolicySourceFrom getSourceFrom() { return sourceFrom; }
    public void setSourceFrom(PolicySourceFrom sourceFrom) { this.sourceFrom = sourceFrom; }
    public List<PolicyHook> getHooks() { return hooks; }
    public void setHooks(List<PolicyHook> hooks) { this.hooks = hooks; }
    public PodSelector getPodSelector() { return podSelector; }
    public void setPodSelector(PodSelector podSelector) { this.podSelector = podSelector; }
    public List<MapEntries> getMaps() { return maps; }
    public void setMaps(List<MapEntries> maps) { this.maps = maps; }
}
