package dev.syrup.operator;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What each policy selected at its last reconcile: its pods (namespace/name) and the nodes it has pods or node
 * objects on. Events carry only the new state of a pod or node, so this is how a pod that stopped being
 * selected (annotation removed, labels changed, deleted) or a node that went away finds its policies.
 */
@ApplicationScoped
public class SelectionIndex {
    private final Map<ResourceID, Set<String>> podsOf = new HashMap<>();
    private final Map<String, Set<ResourceID>> policiesOfPod = new HashMap<>();
    private final Map<ResourceID, Set<String>> nodesOf = new HashMap<>();
    private final Map<String, Set<ResourceID>> policiesOnNode = new HashMap<>();

    public static String podKey(String namespace, String name) { return namespace + "/" + name; }

    public synchronized void update(ResourceID policy, Set<String> podKeys, Set<String> nodeNames) {
        replace(policy, podKeys, podsOf, policiesOfPod);
        replace(policy, nodeNames, nodesOf, policiesOnNode);
    }

    public synchronized void remove(ResourceID policy) {
        replace(policy, Set.of(), podsOf, policiesOfPod);
        replace(policy, Set.of(), nodesOf, policiesOnNode);
    }

    public synchronized Set<ResourceID> policiesOfPod(String podKey) {
        return Set.copyOf(policiesOfPod.getOrDefault(podKey, Set.of()));
    }

    public synchronized Set<ResourceID> policiesOnNode(String nodeName) {
        return Set.copyOf(policiesOnNode.getOrDefault(nodeName, Set.of()));
    }

    private static void replace(ResourceID policy, Set<String> keys, Map<ResourceID, Set<String>> forward,
                                Map<String, Set<ResourceID>> reverse) {
        Set<String> old = forward.getOrDefault(policy, Set.of());
        for (String k : old) {
            if (!keys.contains(k)) {
                Set<ResourceID> s = reverse.get(k);
                if (s != null && s.remove(policy) && s.isEmpty()) {
                    reverse.remove(k);
                }
            }
        }
        for (String k : keys) {
            if (!old.contains(k)) {
                reverse.computeIfAbsent(k, x -> new HashSet<>()).add(policy);
            }
        }
        if (keys.isEmpty()) {
            forward.remove(policy);
        } else {
            forward.put(policy, new HashSet<>(keys));
        }
    }
}
