package dev.syrup.bench;

import dev.syrup.policy.Hook;
import dev.syrup.policy.ObjectCache;
import dev.syrup.policy.PolicyCompiler;
import dev.syrup.policy.PolicySource;
import dev.syrup.policy.Sdk;
import dev.syrup.policy.ObjectInspector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;

/**
 * What inspecting a compiled policy adds to its compile: for each example policy at each hook it
 * names, the time of a cold compile (clang, then the inspector, as PolicyCompiler runs them) and of
 * the inspection alone, medians over the rounds. Arguments: rounds (default 5).
 */
public final class CompileInspectBench {
    private static final int INSPECTIONS = 200;

    private CompileInspectBench() {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Path examples = Path.of(System.getProperty("syrup.examples", "examples"), "policies");
        Path tmp = Files.createTempDirectory("syrup-compile-bench-");
        Sdk sdk = Sdk.extract(tmp);
        ObjectInspector inspector = new ObjectInspector();
        List<Path> files;
        try (Stream<Path> s = Files.list(examples)) {
            files = s.filter(p -> p.toString().endsWith(".c")).sorted().toList();
        }
        System.out.printf("%-24s %-14s %18s %14s %14s%n", "policy", "hook", "compile+inspect ms", "inspect ms", "inspect share");
        List<Double> allCompile = new ArrayList<>(), allInspect = new ArrayList<>();
        for (Path file : files) {
            PolicySource src = PolicySource.fromFile(file);
            for (Hook hook : src.hooksWithEntryPoints()) {
                List<Double> compile = new ArrayList<>(), inspect = new ArrayList<>();
                for (int r = 0; r < rounds; r++) {
                    Path cacheDir = Files.createTempDirectory(tmp, "cache-");
                    PolicyCompiler compiler = new PolicyCompiler(sdk, new ObjectCache(cacheDir));
                    compiler.clangVersion(); // the toolchain probe is not part of a compile
                    long t0 = System.nanoTime();
                    Path object = compiler.compile(src, hook);
                    compile.add((System.nanoTime() - t0) / 1e6);
                    long t1 = System.nanoTime();
                    for (int i = 0; i < INSPECTIONS; i++)
                        inspector.inspect(object, src, hook);
                    inspect.add((System.nanoTime() - t1) / 1e6 / INSPECTIONS);
                }
                double c = median(compile), i = median(inspect);
                allCompile.add(c);
                allInspect.add(i);
                System.out.printf("%-24s %-14s %18.1f %14.3f %13.2f%%%n", file.getFileName(), hook.cliName(), c, i, 100 * i / c);
            }
        }
        System.out.printf("%-24s %-14s %18.1f %14.3f%n", "median", "", median(allCompile), median(allInspect));
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        return s.get(s.size() / 2);
    }
}
