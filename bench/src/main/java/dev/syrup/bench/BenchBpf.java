package dev.syrup.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The benchmarks' own BPF programs (bench/bpf), compiled with clang when a benchmark starts. */
final class BenchBpf {
    private BenchBpf() {}

    /** The SDK's hook sources and headers (syrup_parse.h ...), on the include path of every compile. */
    static Path sdkBpfDir;

    /** compile builds bench/bpf/NAME.bpf.c with the given -D definitions and returns the object. */
    static Path compile(String name, String... defines) throws Exception {
        Path src = Path.of(System.getProperty("syrup.bench.bpf", "bench/bpf"), name + ".bpf.c");
        Path out = Files.createTempFile(name, ".bpf.o");
        List<String> cmd = new ArrayList<>(List.of("clang", "-target", "bpf", "-O2", "-g", "-mcpu=v3",
                "-I/usr/include/" + multiarch(), "-I" + sdkBpfDir));
        for (String d : defines) {
            cmd.add("-D" + d);
        }
        cmd.addAll(List.of("-c", src.toString(), "-o", out.toString()));
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("compiling " + src + " failed");
        }
        return out;
    }

    private static String multiarch() throws Exception {
        Process p = new ProcessBuilder("gcc", "-dumpmachine").start();
        return new String(p.getInputStream().readAllBytes()).trim();
    }
}
