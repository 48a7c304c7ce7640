package dev.syrup.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.syrup.api.Json;
import dev.syrup.client.Hex;
import dev.syrup.deploy.PolicyTester;
import dev.syrup.policy.Hook;
import dev.syrup.hook.HookConfig;
import dev.syrup.policy.PolicyException;
import dev.syrup.policy.PolicySource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "test", description = {
        "Run a policy on payloads and print what it decides for each, attaching nothing.",
        "Runs here, without syrupd, as root, with BPF_PROG_TEST_RUN on UDP packets. The kernel cannot "
                + "test-run socket-select programs: at every network hook the policy runs in the xdp-cpu hook "
                + "program, and decides the same (executor i is the i-th socket or CPU)."})
public final class TestCommand extends SyrupCommand {
    @Parameters(index = "0", paramLabel = "POLICY.c", description = "The policy's C source")
    Path policy;

    @Option(names = "--hook", required = true, paramLabel = "HOOK", converter = Converters.HookName.class,
            completionCandidates = Converters.HookNames.class, description = "socket-select, xdp-cpu or xdp-socket")
    Hook hook;

    @ArgGroup(exclusive = true, multiplicity = "1..*")
    List<Payload> payloads;

    /** One payload: text as UTF-8 (or hex:BYTES), or hex bytes. */
    static final class Payload {
        @Option(names = "--payload", required = true, paramLabel = "TEXT",
                description = "A payload: TEXT as UTF-8, or hex:BYTES; may be repeated")
        String text;

        @Option(names = "--payload-hex", required = true, paramLabel = "HEX", description = "A payload as hex bytes")
        String hex;

        byte[] bytes() {
            if (hex != null) {
                return Hex.decode(hex.startsWith("hex:") ? hex.substring(4) : hex);
            }
            return text.startsWith("hex:") ? Hex.decode(text.substring(4)) : text.getBytes(StandardCharsets.UTF_8);
        }

        /** As the payload is shown: "quoted text" (escaped as in JSON) or hex:bytes. */
        String shown() {
            return text != null && !text.startsWith("hex:") ? TextNode.valueOf(text).toString()
                    : "hex:" + Hex.encode(bytes());
        }
    }

    @Option(names = "--executors", paramLabel = "N", defaultValue = "4",
            description = "Sockets or CPUs the policy chooses among (default: ${DEFAULT-VALUE})")
    int executors;

    @Option(names = "--src-port", paramLabel = "P", defaultValue = "40000",
            description = "Source port of the test packets (default: ${DEFAULT-VALUE})")
    int srcPort;

    @Option(names = "--dst-port", paramLabel = "P", defaultValue = "9000",
            description = "Destination port of the test packets (default: ${DEFAULT-VALUE})")
    int dstPort;

    @Option(names = "--json", description = "Print the decisions as JSON")
    boolean json;

    @Mixin
    LocalKernel kernel;

    @Override
    protected int run() throws Exception {
        if (!hook.isNetwork()) {
            throw usage("test runs a policy on packets: --hook socket-select, xdp-cpu or xdp-socket (the kernel cannot"
                    + " test-run the thread hook's tracepoint programs; use check)");
        }
        if (executors < 1 || executors > HookConfig.MAX_EXECUTORS) {
            throw usage("--executors must be between 1 and " + HookConfig.MAX_EXECUTORS);
        }
        for (int p : List.of(srcPort, dstPort)) {
            if (p < 1 || p > 65535) {
                throw usage("port " + p + " is out of range 1-65535");
            }
        }
        List<byte[]> bytes;
        try {
            bytes = payloads.stream().map(Payload::bytes).toList();
        } catch (IllegalArgumentException e) {
            throw usage("bad payload: " + e.getMessage());
        }
        PolicySource source = PolicySource.fromFile(policy);
        List<PolicyTester.Result> results;
        try {
            results = new PolicyTester(kernel.compiler(), kernel.layout()).run(source, executors, srcPort, dstPort, bytes);
        } catch (PolicyException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new IllegalStateException(e.getMessage() + LocalKernel.rootHint(), e);
        }
        if (json) {
            printJson(toJson(source, bytes, results));
        } else {
            for (int i = 0; i < results.size(); i++) {
                out().println("payload " + payloads.get(i).shown() + " -> " + outcome(results.get(i).decision()));
            }
            out().flush();
        }
        return ExitCodes.OK;
    }

    static String outcome(long decision) {
        return decision == PolicyTester.PASS ? "PASS" : decision == PolicyTester.DROP ? "DROP"
                : decision == PolicyTester.FALLBACK ? "FALLBACK" : "executor " + decision;
    }

    private ObjectNode toJson(PolicySource source, List<byte[]> bytes, List<PolicyTester.Result> results) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("policy", source.name()).put("hook", hook.cliName()).put("executors", executors);
        ArrayNode list = o.putArray("results");
        for (int i = 0; i < results.size(); i++) {
            long d = results.get(i).decision();
            ObjectNode r = list.addObject().put("payload", Hex.encode(bytes.get(i)));
            String kind = outcome(d).startsWith("executor") ? "executor" : outcome(d).toLowerCase(Locale.ROOT);
            r.put("decision", kind);
            if (kind.equals("executor")) {
                r.put("executor", d);
            }
            r.put("durationNs", results.get(i).durationNs());
        }
        return o;
    }
}
