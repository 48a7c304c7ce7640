package dev.syrup.deploy;

import dev.syrup.hook.PinLayout;
import dev.syrup.hook.HookConfig;
import dev.syrup.hook.HookTarget;
import java.util.List;
import java.util.Map;

/**
 * A policy deployed at one or more hook targets. Its kernel state (programs, maps, links) is
 * pinned under {@link PinLayout#deployment(String)}.
 *
 * @param configs the load-time constants (executors) of each target, by target key
 */
public record Deployment(String id, String policyName, String policyHash, List<HookTarget> targets,
                         Map<String, HookConfig> configs) {
    public Deployment {
        targets = List.copyOf(targets);
        configs = Map.copyOf(configs);
    }

    public HookConfig config(HookTarget target) { return configs.get(target.key()); }

    public Deployment withPolicy(String name, String hash) {
        return new Deployment(id, name, hash, targets, configs);
    }
}
