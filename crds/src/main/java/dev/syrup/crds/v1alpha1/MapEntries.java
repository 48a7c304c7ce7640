package dev.syrup.crds.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

import java.util.ArrayList;
import java.util.List;

/** Initial entries of one of the policy's maps. */
public class MapEntries {
    @JsonPropertyDescription("The map's name in the policy source.")
    @Required
    @Pattern("^[A-Za-z_][A-Za-z0-9_]{0,14}$")
    @Size(max = 15)
    private String map;

    @Required
    @Size(min = 1, max = 1024)
    private List<MapEntry> entries = new ArrayList<>();

    public MapEntries() {}

    public MapEntries(String map, List<MapEntry> entries) {
        this.map = map;
        this.entries = entries;
    }

    public String getMap() { return map; }
    public void setMap(String map) { this.map = map; }
    public List<MapEntry> getEntries() { return entries; }
    public void setEntries(List<MapEntry> entries) { this.entries = entries; }

    /**
     * Key and value as `syrup map set` takes them: a decimal number (little-endian, the map's width) or 0x hex bytes;
     * at most 64 bytes of key and 1024 bytes of value.
     */
    public static class MapEntry {
        @Required
        @Pattern("^([0-9]{1,20}|0x([0-9a-fA-F]{2})+)$")
        @Size(max = 2 + 2 * 64)
        private String key;
        @Required
        @Pattern("^([0-9]{1,20}|0x([0-9a-fA-F]{2})+)$")
        @Size(max = 2 + 2 * 1024)
        private String value;

        public MapEntry() {}
        public MapEntry(String key, String value) { this.key = key; this.value = value; }

        public String getKey() { return key; }
        public void setKey(String key) { this.key = key; }
        public String getValue() { return value; }
        public void setValue(String value) { this.value = value; }
    }
}
