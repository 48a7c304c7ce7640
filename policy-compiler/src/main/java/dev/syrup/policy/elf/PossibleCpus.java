package dev.syrup.policy.elf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** How many CPUs the kernel may bring online: a per-CPU map holds a value for each of them. */
public final class PossibleCpus {
    private static final Path POSSIBLE = Path.of("/sys/devices/system/cpu/possible");

    private PossibleCpus() {}

    public static int count() {
        try {
            return parse(Files.readString(POSSIBLE));
        } catch (IOException | RuntimeException e) {
            return Runtime.getRuntime().availableProcessors();
        }
    }

    /** The number of CPUs in a kernel CPU list such as "0-3,8-11". */
    public static int parse(String list) {
        int n = 0;
        for (String part : list.strip().split(",")) {
            String[] range = part.split("-");
            int from = Integer.parseInt(range[0].strip());
            int to = range.length > 1 ? Integer.parseInt(range[1].strip()) : from;
            n += to - from + 1;
        }
        return n;
    }
}
