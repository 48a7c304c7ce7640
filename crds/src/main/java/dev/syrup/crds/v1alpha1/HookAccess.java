package dev.syrup.crds.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.LabelSelector;

import java.util.List;

/**
 * The namespaces that may use one hook type: all of them, those named, and those whose labels the selector
 * matches (any one suffices). Empty: none.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HookAccess {
    @JsonPropertyDescription("Every namespace may use the hook type.")
    private Boolean allNamespaces;

    @JsonPropertyDescription("Namespaces, by exact name, that may use the hook type.")
    @Size(max = 256)
    private List<@Pattern("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$") String> namespaces;

    @JsonPropertyDescription("Namespaces whose labels match may use the hook type (an empty selector, or one with an "
            + "operator other than In, NotIn, Exists, DoesNotExist, matches none). Only the cluster administrator should "
            + "be able to label namespaces (the built-in admin and edit roles cannot).")
    private LabelSelector namespaceSelector;

    public HookAccess() {}

    public HookAccess(Boolean allNamespaces, List<String> namespaces, LabelSelector namespaceSelector) {
        this.allNamespaces = allNamespaces;
        this.namespaces = namespaces;
        this.namespaceSelector = namespaceSelector;
    }

    public Boolean getAllNamespaces() { return allNamespaces; }
    public void setAllNamespaces(Boolean allNamespaces) { this.allNamespaces = allNamespaces; }
    public List<String> getNamespaces() { return namespaces; }
    public void setNamespaces(List<String> namespaces) { this.namespaces = namespaces; }
    public LabelSelector getNamespaceSelector() { return namespaceSelector; }
    public void setNamespaceSelector(LabelSelector namespaceSelector) { this.namespaceSelector = namespaceSelector; }
}
