package dev.syrup.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class LoadGeneratorMainTest {
    @Test
    void printsOneLineOfJson() throws Exception {
        try (TestKvServer server = TestKvServer.start(2)) {
            StringWriter out = new StringWriter();
            CommandLine cmd = new CommandLine(new LoadGeneratorMain());
            cmd.setOut(new PrintWriter(out));
            int code = cmd.execute("--port", String.valueOf(server.address().getPort()), "--rate", "1000",
                    "--seconds", "0.5", "--scan-fraction", "0.1", "--sockets", "16", "--seed", "9", "--json");

            assertThat(code).isZero();
            assertThat(out.toString().strip()).doesNotContain("\n");
            JsonNode json = new ObjectMapper().readTree(out.toString());
            assertThat(json.get("port").asInt()).isEqualTo(server.address().getPort());
            assertThat(json.get("sockets").asInt()).isEqualTo(16);
            assertThat(json.get("offeredRps").asDouble()).isEqualTo(1000);
            assertThat(json.get("sent").asLong()).isPositive();
            assertThat(json.get("lost").asLong()).isZero();
            assertThat(json.get("get").get("p99Micros").asDouble()).isPositive();
            assertThat(json.get("scan").get("count").asLong()).isPositive();
            assertThat(json.get("workerServed").size()).isBetween(1, 2);
        }
    }

    @Test
    void rejectsAMissingPort() {
        CommandLine cmd = new CommandLine(new LoadGeneratorMain());
        cmd.setErr(new PrintWriter(new StringWriter()));
        assertThat(cmd.execute("--rate", "10")).isEqualTo(2);
    }
}
