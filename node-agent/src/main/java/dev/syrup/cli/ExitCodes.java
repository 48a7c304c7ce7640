package dev.syrup.cli;

/** The exit codes of every syrup command. */
public final class ExitCodes {
    public static final int OK = 0;
    /** syrupd or the kernel refused the request, or it could not be carried out. */
    public static final int FAILED = 1;
    /** The command line was wrong (picocli's default for usage errors). */
    public static final int USAGE = 2;
    /** syrupd could not be reached. */
    public static final int UNREACHABLE = 3;

    private ExitCodes() {}
}
