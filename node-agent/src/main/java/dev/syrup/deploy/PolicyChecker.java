package dev.syrup.deploy;

import dev.syrup.error.DomainException;
import dev.syrup.hook.PinLayout;
import dev.syrup.bpf.Bpffs;
import dev.syrup.bpf.BpfObject;
import dev.syrup.policy.Hook;
import dev.syrup.hook.HookConfig;
import dev.syrup.policy.PolicyCompiler;
import dev.syrup.policy.PolicySource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Tells whether a policy would deploy at some hooks: compiles it for each and loads it through the
 * kernel's verifier, without attaching anything or needing an application.
 */
public final class PolicyChecker {
    /**
     * Executors a policy is checked with: a load-time constant the verifier sees at the XDP hooks; at
     * socket-select the count is read from a map at run time, so the check holds for any count.
     */
    public static final int DEFAULT_EXECUTORS = 4;

    private final PolicyCompiler compiler;
    private final PinLayout layout;

    public PolicyChecker(PolicyCompiler compiler, PinLayout layout) {
        this.compiler = compiler;
        this.layout = layout;
    }

    /**
     * check compiles and loads policy for every hook, as a deployment to those hooks would.
     *
     * @throws dev.syrup.policy.CompileException      if clang rejects it
     * @throws dev.syrup.policy.VerificationException if the verifier rejects it
     * @throws dev.syrup.policy.PolicyException       if libbpf refuses it otherwise
     */
    public void check(PolicySource policy, List<Hook> hooks) { check(policy, hooks, DEFAULT_EXECUTORS); }

    public void check(PolicySource policy, List<Hook> hooks, int executors) {
        if (hooks.isEmpty()) {
            throw DomainException.invalid("no hook to check the policy for");
        }
        List<Path> objects = new ArrayList<>();
        for (Hook hook : hooks) {
            objects.add(compiler.compile(policy, hook)); // every compile error before any load
        }
        // The hooks of one deployment share the policy's pinned maps: load them all into one directory.
        Path scratch = Bpffs.scratchDir(scratchRoot());
        try {
            for (int i = 0; i < hooks.size(); i++) {
                HookConfig config = HookConfig.forOffline(hooks.get(i), executors);
                try (BpfObject loaded = PolicyLoader.load(objects.get(i), policy, config, scratch, Map.of(),
                        compiler.inspector())) {
                    // loaded and verified; closing it unloads it
                }
            }
        } finally {
            Bpffs.removeTree(scratch);
        }
    }

    /** Where checks pin the maps policies declare, under the pin root. */
    public Path scratchRoot() { return layout.root().resolve("checks"); }

}
