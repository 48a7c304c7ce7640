package dev.syrup.bpf;

import java.util.Map;

/** Describes the errno values the BPF syscalls commonly return. */
final class Errno {
    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int EEXIST = 17;
    static final int EINVAL = 22;
    static final int E2BIG = 7;
    static final int ENOTSUPP = 524;

    private static final Map<Integer, String> TEXT = Map.ofEntries(
            Map.entry(EPERM, "Operation not permitted (need root or CAP_BPF/CAP_NET_ADMIN)"),
            Map.entry(ENOENT, "No such file or directory"),
            Map.entry(3, "No such process"),
            Map.entry(9, "Bad file descriptor"),
            Map.entry(12, "Cannot allocate memory"),
            Map.entry(13, "Permission denied"),
            Map.entry(16, "Device or resource busy"),
            Map.entry(EEXIST, "File exists"),
            Map.entry(19, "No such device"),
            Map.entry(EINVAL, "Invalid argument"),
            Map.entry(E2BIG, "Argument list too long"),
            Map.entry(28, "No space left on device"),
            Map.entry(36, "File name too long"),
            Map.entry(67, "Link has been severed (its interface is gone)"),
            Map.entry(88, "Socket operation on non-socket"),
            Map.entry(95, "Operation not supported"),
            Map.entry(ENOTSUPP, "Operation not supported by this kernel"),
            Map.entry(4007, "libbpf: invalid ELF/BTF format"),
            Map.entry(4003, "libbpf: object file format error"));

    private Errno() {}

    static String describe(int errno) {
        return TEXT.getOrDefault(errno, "errno " + errno);
    }
}
