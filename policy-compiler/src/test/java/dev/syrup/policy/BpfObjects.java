package dev.syrup.policy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Checks on compiled objects: the ELF header, and loading them into the kernel with bpftool. */
final class BpfObjects {
    static final int EM_BPF = 247;

    record Load(int exitCode, String output) {}

    private BpfObjects() {}

    /** e_machine of an ELF file (read in the file's byte order), or -1 if it is not ELF. */
    static int elfMachine(Path file) throws IOException {
        byte[] h = new byte[20];
        try (InputStream in = Files.newInputStream(file)) {
            if (in.readNBytes(h, 0, h.length) < h.length)
                return -1;
        }
        if (h[0] != 0x7f || h[1] != 'E' || h[2] != 'L' || h[3] != 'F')
            return -1;
        boolean little = h[5] == 1;
        return little ? (h[18] & 0xff) | (h[19] & 0xff) << 8 : (h[18] & 0xff) << 8 | (h[19] & 0xff);
    }

    /**
     * Loads every program of obj through the kernel's verifier (bpftool prog loadall) and unloads them.
     * Maps a policy declares are pinned by name, which libbpf does under /sys/fs/bpf/ itself; so the load
     * runs in a private mount namespace on a bpffs of its own, and nothing is left on the shared one:
     * the pins and programs go away with the namespace.
     */
    static Load loadAll(Path obj) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("unshare", "--mount", "--propagation", "private", "sh", "-c",
                "mount -t bpf bpf /sys/fs/bpf && exec bpftool prog loadall \"$1\" /sys/fs/bpf/syrup-test",
                "sh", obj.toString())
                .redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("bpftool did not finish: " + out);
        }
        return new Load(p.exitValue(), out);
    }
}
