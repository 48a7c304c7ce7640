package dev.syrup.crds.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

public class PolicySourceFrom {
    @JsonPropertyDescription("A key of a ConfigMap in the policy's namespace holding the C source.")
    @Required
    private ConfigMapKey configMapKeyRef;

    public ConfigMapKey getConfigMapKeyRef() { return configMapKeyRef; }
    public void setConfigMapKeyRef(ConfigMapKey configMapKeyRef) { this.configMapKeyRef = configMapKeyRef; }

    public static class ConfigMapKey {
        @Required
        @io.fabric8.generator.annotation.Pattern("^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$")
        private String name;
        @Required
        @io.fabric8.generator.annotation.Pattern("^[-._a-zA-Z0-9]{1,253}$")
        private String key;

        public ConfigMapKey() {}
        public ConfigMapKey(String name, String key) { this.name = name; this.key = key; }

        public String getName() { return name; }
        public void setName(String name) { this.name = name; }
        public String getKey() { return key; }
        public void setKey(String key) { this.key = key; }
    }
}
