package dev.syrup.cli;

import dev.syrup.deploy.PolicyChecker;
import dev.syrup.policy.Hook;
import dev.syrup.policy.PolicyException;
import dev.syrup.policy.PolicySource;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "check", description = {
        "Compile a policy and run the kernel's verifier on it, attaching nothing.",
        "Runs here, without syrupd, as root. Errors name the policy's file and line."})
public final class CheckCommand extends SyrupCommand {
    @Parameters(index = "0", paramLabel = "POLICY.c", description = "The policy's C source")
    Path policy;

    @Option(names = "--hook", paramLabel = "HOOK", converter = Converters.HookName.class,
            completionCandidates = Converters.HookNames.class,
            description = "socket-select, xdp-cpu, xdp-socket or thread; may be repeated (default: the network hooks if the "
                    + "policy defines schedule(), thread if it defines schedule_thread())")
    List<Hook> hooks;

    @Mixin
    LocalKernel kernel;

    @Override
    protected int run() {
        PolicySource source = PolicySource.fromFile(policy);
        List<Hook> distinct = List.copyOf(new LinkedHashSet<>(hooks != null ? hooks : defaultHooks(source)));
        try {
            new PolicyChecker(kernel.compiler(), kernel.layout()).check(source, distinct);
        } catch (PolicyException e) {
            throw e; // the policy's own fault: its message says where
        } catch (RuntimeException e) {
            throw new IllegalStateException(e.getMessage() + LocalKernel.rootHint(), e);
        }
        println(source.name() + ": ok (" + distinct.stream().map(Hook::cliName).collect(Collectors.joining(", ")) + ")");
        return ExitCodes.OK;
    }

    /** The hooks whose entry point the policy defines (the network hooks if it defines neither). */
    static List<Hook> defaultHooks(PolicySource source) { return source.hooksWithEntryPoints(); }
}
