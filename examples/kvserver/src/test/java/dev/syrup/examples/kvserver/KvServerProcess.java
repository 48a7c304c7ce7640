package dev.syrup.examples.kvserver;

import dev.syrup.testing.SyrupdProcess;
import dev.syrup.testing.NetNs;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A KvServer in a process of its own inside a test's network namespace. It is started with
 * {@code nsenter --net}, not {@code ip netns exec}: the latter remounts /sys for the process it
 * starts, which hides bpffs and with it the pinned map the server maps.
 */
final class KvServerProcess implements AutoCloseable {
    private static final String END = new String("<end>");

    private final Process process;
    private final LinkedBlockingQueue<String> stdout = new LinkedBlockingQueue<>();
    private final StringBuffer stderr = new StringBuffer();
    private String deploymentId;
    private String threadDeploymentId;
    private long pid;

    private KvServerProcess(Process process) {
        this.process = process;
        reader(process.getInputStream(), stdout::add, "stdout");
        reader(process.getErrorStream(), line -> {
            if (line != END) {
                stderr.append(line).append('\n');
            }
        }, "stderr");
    }

    /** Starts the server in ns with syrupd's socket and args, and waits until it serves. */
    static KvServerProcess start(NetNs ns, SyrupdProcess syrupd, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("nsenter", "--net=" + ns.path(), "--",
                Jvm.java(), "-cp", Jvm.classpath(), KvServer.class.getName(), "--socket", syrupd.socket.toString()));
        cmd.addAll(List.of(args));
        KvServerProcess server = new KvServerProcess(new ProcessBuilder(cmd).start());
        try {
            server.awaitReady();
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    private void awaitReady() {
        for (;;) {
            String line = nextLine();
            if (line.startsWith("DEPLOYED ")) {
                deploymentId = line.substring("DEPLOYED ".length());
            } else if (line.startsWith("THREADS ")) {
                threadDeploymentId = line.split(" ")[1];
            } else if (line.startsWith("READY ")) {
                pid = Long.parseLong(line.substring(line.indexOf("pid=") + 4));
                return;
            } else {
                throw new IllegalStateException("unexpected line from the server: " + line + "\n" + stderr);
            }
        }
    }

    /** command sends one line of --policy-commands and returns the server's answer. */
    String command(String line) throws IOException {
        OutputStream in = process.getOutputStream();
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
        return nextLine();
    }

    private String nextLine() {
        String line;
        try {
            line = stdout.poll(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        if (line == null || line == END) {
            throw new IllegalStateException("the server did not answer:\n" + stderr);
        }
        return line;
    }

    /** The id of the thread deployment the server registered its workers with, or null. */
    String threadDeploymentId() { return threadDeploymentId; }

    /** The id of the deployment the server made, or null without --policy. */
    String deploymentId() { return deploymentId; }

    long pid() { return pid; }

    String stderr() { return stderr.toString(); }

    /** Sends SIGTERM and waits for the server to exit; its exit code. */
    int stop() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            stop();
        }
    }

    private static void reader(InputStream in, Consumer<String> sink, String name) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    sink.accept(line);
                }
            } catch (IOException e) {
                // the process is gone
            } finally {
                sink.accept(END);
            }
        }, "kvserver " + name);
        t.setDaemon(true);
        t.start();
    }
}
