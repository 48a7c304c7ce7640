package dev.syrup.bench.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A Java program the demo runs beside itself (syrupd, the key-value server), its output kept in a log. */
final class ChildProcess implements AutoCloseable {
    private final String name;
    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> log = new ArrayList<>();

    private ChildProcess(String name, Process process) {
        this.name = name;
        this.process = process;
        Thread reader = new Thread(this::pump, name + "-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** java starts mainClass with this JVM's class path. */
    static ChildProcess java(String name, String mainClass, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), mainClass));
        cmd.addAll(args);
        return new ChildProcess(name, new ProcessBuilder(cmd).redirectErrorStream(true).start());
    }

    /** command starts a program (stdin stays open: closing it is the program's cue to stop, if any). */
    static ChildProcess command(String name, List<String> command) throws IOException {
        return new ChildProcess(name, new ProcessBuilder(command).redirectErrorStream(true).start());
    }

    /** inCgroup starts command inside cgroup v2 directory cgroupDir. */
    static ChildProcess inCgroup(String name, Path cgroupDir, List<String> command) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("sh", "-c",
                "echo $$ > " + cgroupDir.resolve("cgroup.procs") + " && exec \"$0\" \"$@\""));
        cmd.addAll(command);
        return command(name, cmd);
    }

    /** javaInCgroup starts mainClass, with this JVM's class path, inside cgroup v2 directory cgroupDir. */
    static ChildProcess javaInCgroup(String name, Path cgroupDir, String mainClass, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), mainClass));
        cmd.addAll(args);
        return inCgroup(name, cgroupDir, cmd);
    }

    private void pump() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                synchronized (log) {
                    log.add(line);
                }
                lines.add(line);
            }
        } catch (IOException e) {
            // the process went away
        }
    }

    /** await waits for a line containing marker and returns it. */
    String await(String marker, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            String line = lines.poll(100, TimeUnit.MILLISECONDS);
            if (line != null && line.contains(marker)) {
                return line;
            }
            if (line == null && !process.isAlive() && lines.isEmpty()) {
                break;
            }
        }
        throw new IllegalStateException(name + " did not print '" + marker + "' in time:\n" + log());
    }

    /** send writes a line to the child's standard input. */
    void send(String line) throws IOException {
        var in = process.getOutputStream();
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    long pid() { return process.pid(); }

    String log() {
        synchronized (log) {
            return String.join("\n", log);
        }
    }

    /** close stops the child politely (SIGTERM), then for sure. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
