package dev.syrup.policy;


import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Compiles a policy into a hook's object with the real clang and the SDK's flags, but without the
 * inspector, so a test can hand the inspector objects it must refuse.
 */
public final class RawCompile {
    private final Sdk sdk;
    private final Path dir;

    public RawCompile(Sdk sdk, Path dir) {
        this.sdk = sdk;
        this.dir = dir;
    }

    /** The object of policy text (compiled as fileName) at hook. */
    public Path compile(String fileName, String text, Hook hook) throws IOException, InterruptedException {
        Path src = dir.resolve(fileName);
        Files.writeString(src, text);
        Path out = dir.resolve(fileName + "." + hook.cliName() + ".o");
        List<String> cmd = new ArrayList<>(List.of("clang"));
        cmd.addAll(PolicyCompiler.FLAGS);
        cmd.add("-I/usr/include/" + multiarch());
        cmd.addAll(List.of("-I" + sdk.includeDir(), "-I" + sdk.bpfDir(), "-DSYRUP_POLICY_FILE=\"" + src + "\"",
                "-c", sdk.wrapperSource(hook).toString(), "-o", out.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0)
            throw new AssertionError("clang failed on " + fileName + " at " + hook + ":\n" + output);
        return out;
    }

    private static String multiarch() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("gcc", "-dumpmachine").start();
        String triple = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        p.waitFor();
        return triple;
    }
}
