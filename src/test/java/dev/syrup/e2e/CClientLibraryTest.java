package dev.syrup.e2e;

import dev.syrup.testing.SyrupdProcess;
import static org.assertj.core.api.Assertions.assertThat;

import dev.syrup.testing.Exec;
import dev.syrup.testing.TestApps;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The C client library (through syrup_ctl, its command-line front end) against a real syrupd. */
class CClientLibraryTest {
    @Test
    void deployMapsAndRemoveThroughLibsyrup() throws Exception {
        try (SyrupdProcess syrupd = new SyrupdProcess()) {
            ClientFlow.run(syrupd, new ClientFlow.Client() {
                @Override
                public String deploy(Path policy, int port, Path netns) {
                    return ctl(syrupd, "deploy", policy.toString(), "--hook", "socket-select", "--port",
                            Integer.toString(port), "--netns", netns.toString()).strip();
                }

                @Override
                public void mapSetU32(String id, String map, int key, int value) {
                    ctl(syrupd, "map-set", id, map, Integer.toString(key), Integer.toString(value), "--value-size", "4");
                }

                @Override
                public void remove(String id) { ctl(syrupd, "remove", id); }
            });
        }
    }

    private static String ctl(SyrupdProcess syrupd, String... args) {
        List<String> cmd = new ArrayList<>(List.of(TestApps.binary(TestApps.SYRUP_CTL).toString(), "--socket",
                syrupd.socket.toString()));
        cmd.addAll(List.of(args));
        Exec.Result r = Exec.run(new ProcessBuilder(cmd), Duration.ofSeconds(30));
        assertThat(r.exitCode()).as(String.join(" ", args) + ": " + r.stderr()).isZero();
        return r.stdout();
    }
}
