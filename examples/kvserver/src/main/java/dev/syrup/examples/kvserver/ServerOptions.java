package dev.syrup.examples.kvserver;

import dev.syrup.client.SyrupClient;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The server's command line. */
final class ServerOptions {
    /** How a SCAN occupies its worker. */
    enum ScanMode {
        /** Sleeps, as a worker waiting for I/O would: the worker is busy, a CPU is not. */
        WAIT,
        /** Spins: the worker and a CPU are busy. */
        SPIN
    }

    /** At most this many workers: a deployment has at most 64 executors. */
    static final int MAX_WORKERS = 64;

    @Option(names = "--port", paramLabel = "P", defaultValue = "9000", description = "UDP port (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--workers", paramLabel = "W", defaultValue = "4",
            description = "Worker threads, each with its own SO_REUSEPORT socket (default: ${DEFAULT-VALUE})")
    int workers;

    @Option(names = "--addr", paramLabel = "ADDR", defaultValue = "0.0.0.0",
            description = "Address to bind (default: ${DEFAULT-VALUE})")
    String addr;

    @Option(names = "--get-us", paramLabel = "US", defaultValue = "10",
            description = "Microseconds of CPU work per GET (default: ${DEFAULT-VALUE})")
    long getUs;

    @Option(names = "--scan-us", paramLabel = "US", defaultValue = "1000",
            description = "Microseconds a SCAN occupies its worker (default: ${DEFAULT-VALUE})")
    long scanUs;

    @Option(names = "--scan-mode", paramLabel = "MODE", defaultValue = "wait",
            description = "wait (a SCAN sleeps, as for I/O) or spin (it burns a CPU) (default: ${DEFAULT-VALUE})")
    ScanMode scanMode;

    @Option(names = "--policy", paramLabel = "FILE",
            description = "A socket-select policy to deploy through syrupd for this server's port (default: none, Linux's own choice)")
    Path policy;

    @Option(names = "--policy-commands",
            description = "Read policy changes on standard input, one a line: 'policy FILE' deploys or replaces, "
                    + "'policy none' removes; each answered with a line 'POLICY ...'")
    boolean policyCommands;

    @Option(names = "--thread-policy", paramLabel = "FILE",
            description = "A thread policy to deploy through syrupd for this server's worker threads only: deployed for "
                    + "registered threads of the server's cgroup, and each worker registers itself (default: none)")
    Path threadPolicy;

    @Option(names = "--thread-cpus", split = ",", paramLabel = "CPU",
            description = "With --thread-policy: its executor CPUs, e.g. 0 (default: the CPUs the server may use)")
    java.util.List<Integer> threadCpus;

    @Option(names = "--register-threads", paramLabel = "ID",
            description = "Register the worker threads with deployment ID, made for registered threads of this "
                    + "server's cgroup (syrup deploy ... --hook thread --threads registered)")
    String registerThreads;

    @Option(names = "--socket", paramLabel = "PATH", description = "syrupd's socket (default: $SYRUP_SOCKET, else "
            + "/run/syrup/syrupd.sock)")
    Path socket;

    @Option(names = "--rcvbuf", paramLabel = "BYTES", defaultValue = "4194304",
            description = "Receive buffer of each socket, 0 for the system default (default: ${DEFAULT-VALUE})")
    int rcvbuf;

    /** The syrupd socket to use. */
    Path syrupSocket() { return socket != null ? socket : SyrupClient.defaultSocket(); }

    /** What is wrong with the options, or null. */
    String problem() {
        if (port < 1 || port > 65535) {
            return "--port must be 1..65535";
        }
        if (workers < 1 || workers > MAX_WORKERS) {
            return "--workers must be 1.." + MAX_WORKERS;
        }
        if (getUs < 0 || scanUs < 0) {
            return "--get-us and --scan-us must not be negative";
        }
        if (rcvbuf < 0) {
            return "--rcvbuf must not be negative";
        }
        if (threadPolicy != null && registerThreads != null) {
            return "--thread-policy deploys a policy for the workers, --register-threads uses one deployed already: give one";
        }
        if (threadCpus != null && threadPolicy == null) {
            return "--thread-cpus applies only with --thread-policy";
        }
        return null;
    }
}
