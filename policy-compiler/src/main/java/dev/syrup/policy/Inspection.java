package dev.syrup.policy;

import java.util.List;

/**
 * What inspecting a policy's object found, for the loader and for limits.
 *
 * @param policyMaps the maps the policy declares (not the hook's own), which the loader pins per deployment
 * @param mapBytes   the memory of the policy's maps and global variables, as the size limit counts it
 */
public record Inspection(List<String> policyMaps, long mapBytes) {}
