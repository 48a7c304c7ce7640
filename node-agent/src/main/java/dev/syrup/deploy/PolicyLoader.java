package dev.syrup.deploy;

import dev.syrup.bpf.Bpf;
import dev.syrup.bpf.BpfLoadException;
import dev.syrup.bpf.BpfObject;
import dev.syrup.bpf.Fd;
import dev.syrup.hook.HookConfig;
import dev.syrup.policy.PolicyException;
import dev.syrup.policy.PolicySource;
import dev.syrup.policy.VerifierLog;
import java.nio.file.Path;
import java.util.Map;

/** Loads a compiled hook object through the verifier, with its constants and shared maps. */
final class PolicyLoader {
    private PolicyLoader() {}

    /**
     * load opens objectFile, writes config, makes the object use the maps pinned at the paths in
     * shared (by object map name), pins the policy's own maps under pinRoot and loads it. A
     * verifier rejection becomes a VerificationException naming the policy's source line.
     */
    static BpfObject load(Path objectFile, PolicySource source, HookConfig config, Path pinRoot,
                          Map<String, Path> shared) {
        BpfObject obj = BpfObject.open(objectFile, pinRoot);
        try {
            obj.setInitialValue(HookConfig.SECTION, config.toBytes());
            for (Map.Entry<String, Path> m : shared.entrySet()) {
                try (Fd fd = Bpf.open(m.getValue())) {
                    obj.reuseMap(m.getKey(), fd);
                }
            }
            obj.load();
            return obj;
        } catch (BpfLoadException e) {
            obj.close();
            throw rejected(source, e);
        } catch (RuntimeException e) {
            obj.close();
            throw e;
        }
    }

    /** The verifier's rejection mapped to the policy's line, or libbpf's own complaint (e.g. a map clash). */
    private static PolicyException rejected(PolicySource source, BpfLoadException e) {
        if (!e.verifierLog().isEmpty()) {
            return VerifierLog.toException(e.program(), e.errno(), e.verifierLog(), source.fileName(), source.name());
        }
        String detail = e.libbpfOutput().lines().filter(l -> !l.isBlank())
                .map(l -> l.replaceFirst("^libbpf: ", "")).reduce((a, b) -> a + "\n  " + b).orElse("");
        return new PolicyException(source.name() + ": " + e.getMessage() + (detail.isEmpty() ? "" : "\n  " + detail), e);
    }
}
