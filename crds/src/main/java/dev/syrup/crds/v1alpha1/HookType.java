package dev.syrup.crds.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Where a policy runs; names as in the syrup CLI's --hook. */
public enum HookType {
    @JsonProperty("socket-select") SOCKET_SELECT("socket-select"),
    @JsonProperty("xdp-cpu") XDP_CPU("xdp-cpu"),
    @JsonProperty("xdp-socket") XDP_SOCKET("xdp-socket"),
    @JsonProperty("thread") THREAD("thread");

    private final String cliName;

    HookType(String cliName) { this.cliName = cliName; }

    public String cliName() { return cliName; }

    public boolean isNetwork() { return this != THREAD; }
}
