package dev.syrup.bpf;

import java.nio.file.Path;
import java.util.Arrays;

/** Operations on BPF file descriptors: pins, program and link info, test runs. */
public final class Bpf {
    static {
        NativeLibrary.ensureAvailable();
    }

    private Bpf() {}

    /** pin makes fd reachable at path in bpffs, so it outlives this process. */
    public static void pin(Fd fd, Path path) { pin(fd.get(), path.toString()); }

    /** open returns the program, map or link pinned at path. */
    public static Fd open(Path path) { return Fd.own(get(path.toString())); }

    public static int possibleCpuCount() { return possibleCpus(); }

    public static ProgramInfo programInfo(Fd prog) {
        String[] name = new String[1];
        long[] v = programInfo(prog.get(), name);
        return new ProgramInfo((int) v[0], (int) v[1], name[0], v[2], v[3]);
    }

    /** programById opens the loaded program with that id. */
    public static Fd programById(int id) { return Fd.own(programById0(id)); }

    /** updateLink makes link run prog in place of its program; the hook switches atomically. */
    public static void updateLink(Fd link, Fd prog) { updateLink(link.get(), prog.get()); }

    public static LinkInfo linkInfo(Fd link) {
        long[] v = linkInfo(link.get());
        return new LinkInfo((int) v[0], (int) v[1], (int) v[2]);
    }

    /**
     * testRun runs the program on data with BPF_PROG_TEST_RUN, repeat times (the duration is the
     * kernel's average per run).
     */
    public static TestRunResult testRun(Fd prog, byte[] data, int repeat) {
        long[] r = new long[3];
        byte[] out = new byte[Math.max(data.length, 256) + 256];
        BpfException.check("bpf_prog_test_run", testRun(prog.get(), data, Math.max(1, repeat), r, out));
        return new TestRunResult((int) r[0], r[1], Arrays.copyOf(out, (int) Math.min(r[2], out.length)));
    }

    static int dupFd(int fd) { return dup(fd); }

    static void closeFd(int fd) { close(fd); }

    public record ProgramInfo(int type, int id, String name, long runTimeNs, long runCount) {}

    public record LinkInfo(int id, int programId, int type) {}

    public record TestRunResult(int retval, long durationNs, byte[] dataOut) {}

    static native java.nio.ByteBuffer mmap(int fd, long size);

    static native void munmap(java.nio.ByteBuffer buffer);

    private static native void pin(int fd, String path);

    private static native int get(String path);

    private static native int dup(int fd);

    private static native void close(int fd);

    private static native int possibleCpus();

    static native int mapLookup(int fd, byte[] key, byte[] value);

    static native int mapUpdate(int fd, byte[] key, byte[] value, long flags);

    static native int mapDelete(int fd, byte[] key);

    static native int mapNextKey(int fd, byte[] key, byte[] next);

    static native long[] mapInfo(int fd);

    private static native long[] programInfo(int fd, String[] name);

    private static native long[] linkInfo(int fd);

    private static native int programById0(int id);

    private static native void updateLink(int linkFd, int progFd);

    private static native int testRun(int fd, byte[] data, int repeat, long[] result, byte[] out);
}
