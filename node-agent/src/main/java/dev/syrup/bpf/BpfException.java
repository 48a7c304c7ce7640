package dev.syrup.bpf;

/** A failed kernel or libbpf operation: {@code op(..) failed with error(N): text}. */
public class BpfException extends RuntimeException {
    private final String op;
    private final int errno;

    public BpfException(String op, int errno) {
        this(op, errno, op + " failed with error(" + errno + "): " + Errno.describe(errno));
    }

    protected BpfException(String op, int errno, String message) {
        super(message);
        this.op = op;
        this.errno = errno;
    }

    public String op() { return op; }

    public int errno() { return errno; }

    /** check turns a native hot-path result (0 or -errno) into an exception. */
    static int check(String op, int result) {
        if (result < 0) {
            throw new BpfException(op, -result);
        }
        return result;
    }
}
