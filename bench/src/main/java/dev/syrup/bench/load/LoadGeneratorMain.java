package dev.syrup.bench.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Runs one load point against a key-value server and prints a one-line summary, or one line of
 * JSON with {@code --json}. Uses the network namespace it is started in (e.g. under
 * {@code ip netns exec}). From the source tree:
 *
 * <pre>
 * mvn -q -pl bench exec:java -Dexec.mainClass=dev.syrup.bench.load.LoadGeneratorMain \
 *     -Dexec.args="--port 7000 --rate 2000 --seconds 4 --scan-fraction 0.1 --json"
 * </pre>
 */
@Command(name = "loadgen", mixinStandardHelpOptions = true,
        description = "Open-loop GET/SCAN load over UDP; latency from each request's intended send time.")
public final class LoadGeneratorMain implements Callable<Integer> {
    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Server address (default: ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--port", required = true, description = "Server UDP port")
    int port;

    @Option(names = "--rate", defaultValue = "2000", description = "Offered load, requests/s (default: ${DEFAULT-VALUE})")
    double rate;

    @Option(names = "--seconds", defaultValue = "4", description = "Sending window, warm-up included (default: ${DEFAULT-VALUE})")
    double seconds;

    @Option(names = "--scan-fraction", defaultValue = "0.005", description = "Share of SCANs (default: ${DEFAULT-VALUE})")
    double scanFraction;

    @Option(names = "--sockets", defaultValue = "256", description = "Client source sockets (default: ${DEFAULT-VALUE})")
    int sockets;

    @Option(names = "--seed", defaultValue = "1", description = "Random seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--warmup-ms", description = "Warm-up not recorded (default: 10%% of the run, at least 200 ms)")
    Long warmupMs;

    @Option(names = "--grace-ms", defaultValue = "200", description = "Wait for late replies (default: ${DEFAULT-VALUE})")
    long graceMs;

    @Option(names = "--request-bytes", defaultValue = "16", description = "Request size (default: ${DEFAULT-VALUE})")
    int requestBytes;

    @Option(names = "--json", description = "Print the result as one line of JSON")
    boolean json;

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new LoadGeneratorMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Duration duration = Duration.ofNanos(Math.round(seconds * 1e9));
        LoadGenerator.Config config = LoadGenerator.Config
                .of(new InetSocketAddress(InetAddress.getByName(host), port), rate, duration)
                .withScanFraction(scanFraction).withSockets(sockets).withSeed(seed)
                .withGrace(Duration.ofMillis(graceMs)).withRequestBytes(requestBytes);
        if (warmupMs != null) {
            config = config.withWarmup(Duration.ofMillis(warmupMs));
        }
        LoadGenerator.Result result = LoadGenerator.run(config);
        spec.commandLine().getOut().println(json ? json(config, result) : result.summary());
        spec.commandLine().getOut().flush();
        return 0;
    }

    private static String json(LoadGenerator.Config c, LoadGenerator.Result r) throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("host", c.target().getAddress().getHostAddress());
        root.put("port", c.target().getPort());
        root.put("seconds", c.duration().toNanos() / 1e9);
        root.put("scanFraction", c.scanFraction());
        root.put("sockets", c.sockets());
        root.put("seed", c.seed());
        root.put("warmupSeconds", c.warmup().toNanos() / 1e9);
        root.setAll((ObjectNode) mapper.valueToTree(r));
        return mapper.writeValueAsString(root);
    }
}
