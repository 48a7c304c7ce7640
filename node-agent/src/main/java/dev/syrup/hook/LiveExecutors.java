package dev.syrup.hook;

import dev.syrup.bpf.Bpf;
import dev.syrup.bpf.BpfMap;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * How many executors a socket-select target has live now: the policy's syrup_executors()
 * (syrup_live in syrup.h), pinned in the target's directory. The agent changes it as the
 * application's sockets come and go.
 */
public final class LiveExecutors {
    /** The map in the socket-select object. */
    public static final String MAP = "syrup_live";
    /** Where it is pinned in a target's directory. */
    public static final String PIN = "live";

    private LiveExecutors() {}

    /** read gives the live count pinned in targetDir, empty if the target has none (another hook). */
    public static OptionalInt read(Path targetDir) {
        Path pin = targetDir.resolve(PIN);
        if (!Files.exists(pin)) {
            return OptionalInt.empty();
        }
        try (BpfMap map = new BpfMap(Bpf.open(pin))) {
            return map.lookup(BpfMap.u32(0))
                    .map(v -> OptionalInt.of(ByteBuffer.wrap(v).order(ByteOrder.nativeOrder()).getInt()))
                    .orElse(OptionalInt.empty());
        }
    }

    /** write sets the live count of the map. */
    public static void write(BpfMap live, int count) { live.update(BpfMap.u32(0), BpfMap.u32(count)); }
}
