package dev.syrup.deploy;

import dev.syrup.bpf.Bpf;
import dev.syrup.bpf.BpfLoadException;
import dev.syrup.bpf.BpfObject;
import dev.syrup.bpf.Fd;
import dev.syrup.hook.HookConfig;
import dev.syrup.policy.CompileException;
import dev.syrup.policy.PolicyException;
import dev.syrup.policy.PolicySource;
import dev.syrup.policy.VerificationException;
import dev.syrup.policy.VerifierLog;
import dev.syrup.policy.Inspection;
import dev.syrup.policy.ObjectInspector;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Loads a compiled hook object through the verifier, with its constants and shared maps. */
final class PolicyLoader {
    private static final Pattern UNDEFINED_EXTERN = Pattern.compile("failed to find BTF for extern '([^']+)'");
    private static final Pattern PROGRAM_FAILED = Pattern.compile("prog '([^']+)': BPF program load failed: (.*)");
    private static final int E2BIG = 7;

    private PolicyLoader() {}

    /**
     * load inspects objectFile (a cached object may predate the inspector's rules), opens it, writes
     * config, makes the object use the maps pinned at the paths in shared (by object map name), pins
     * the policy's own maps under pinRoot and loads it. A verifier rejection becomes a
     * VerificationException naming the policy's source line.
     *
     * @throws dev.syrup.policy.PolicyForbiddenException if the inspector refuses the object
     */
    static BpfObject load(Path objectFile, PolicySource source, HookConfig config, Path pinRoot,
                          Map<String, Path> shared, ObjectInspector inspector) {
        Inspection inspection = inspector.inspect(objectFile, source, config.hook());
        BpfObject obj;
        try {
            obj = BpfObject.open(objectFile);
        } catch (BpfLoadException e) {
            throw rejected(source, e); // e.g. a call to a function the policy declares but never defines
        }
        try {
            obj.setInitialValue(HookConfig.SECTION, config.toBytes());
            for (String map : inspection.policyMaps()) {
                obj.pinMap(map, pinRoot.resolve(map)); // shared by the deployment's hooks, kept across replace
            }
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

    /**
     * The verifier's rejection mapped to the policy's line; a function the policy calls but does
     * not define as a compile error; otherwise what libbpf said about the policy's maps.
     */
    private static PolicyException rejected(PolicySource source, BpfLoadException e) {
        if (!e.verifierLog().isEmpty()) {
            return VerifierLog.toException(e.program(), e.errno(), e.verifierLog(), source.fileName(), source.name());
        }
        String out = e.libbpfOutput();
        Matcher extern = UNDEFINED_EXTERN.matcher(out);
        if (extern.find()) {
            return new CompileException(source.name() + ": error: " + extern.group(1) + " is called but not defined;"
                    + " a policy can call only functions it defines and BPF helpers", List.of(), out);
        }
        Matcher program = PROGRAM_FAILED.matcher(out);
        if (program.find()) {
            // The kernel refused the program but no log came with it: the verifier's log of a
            // program it gave up on is too long to keep, so the failing line is not known.
            String why = e.errno() == E2BIG
                    ? "the program is too large or too complex to verify (a loop whose bound the verifier"
                      + " cannot see is the usual cause); the verifier's log was too long to keep, so its line is not known"
                    : program.group(2).strip();
            return new VerificationException(program.group(1), e.errno(), source.name(), -1, null, null, why, out);
        }
        // libbpf stops at the first failure: its last line about a map is the complaint (the lines
        // before it are progress, and the object file's path says nothing to the user).
        String detail = out.lines().map(l -> l.replaceFirst("^libbpf: ", "").strip())
                .filter(l -> !l.isEmpty() && !l.startsWith("failed to load object"))
                .reduce((a, b) -> b.startsWith("map '") || !a.startsWith("map '") ? b : a)
                .orElse(e.getMessage());
        return new PolicyException(source.name() + ": cannot load the policy: " + detail, e);
    }
}
