package dev.syrup.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syrup.api.HookSpec;
import dev.syrup.api.Json;
import dev.syrup.api.PolicyText;
import dev.syrup.api.Request;
import dev.syrup.testing.SpinThreads;
import dev.syrup.testing.SyrupdProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Thread policies that must not deploy, or must not move anything; scheduling stays untouched. */
class BadThreadPolicyTest {
    private SyrupdProcess syrupd;
    private SpinThreads app;

    @BeforeEach
    void setUp() {
        syrupd = new SyrupdProcess();
        app = SpinThreads.start("syrup-t-thread-bad", 2, null);
    }

    @AfterEach
    void tearDown() {
        syrupd.close();
        app.close();
    }

    private PolicyText policy(String name) throws Exception {
        return new PolicyText(name, Files.readString(Path.of(getClass().getResource("/" + name).toURI())));
    }

    private JsonNode deployRaw(RawClient c, String name) throws Exception {
        return c.send(Json.MAPPER.writeValueAsString(
                Request.deploy(policy(name), List.of(HookSpec.thread((int) app.pid(), null, null)))));
    }

    @Test
    void verifierRejectionNamesTheLine() throws Exception {
        try (RawClient c = new RawClient(syrupd.socket)) {
            JsonNode r = deployRaw(c, "thread_unchecked_lookup.c");
            assertThat(r.path("ok").asBoolean()).isFalse();
            assertThat(r.path("error").path("kind").asText()).isEqualTo("verifier");
            assertThat(r.path("error").path("file").asText()).isEqualTo("thread_unchecked_lookup.c");
            assertThat(r.path("error").path("line").asInt()).isEqualTo(10);
            assertThat(r.path("error").path("message").asText()).startsWith("thread_unchecked_lookup.c:10:");
            assertUntouched(c);
        }
    }

    @Test
    void aPolicyWithoutScheduleThreadIsACompileError() throws Exception {
        try (RawClient c = new RawClient(syrupd.socket)) {
            JsonNode r = deployRaw(c, "thread_missing_entry.c");
            assertThat(r.path("ok").asBoolean()).isFalse();
            assertThat(r.path("error").path("kind").asText()).isEqualTo("compile");
            assertThat(r.path("error").path("message").asText())
                    .contains("does not define schedule_thread()").contains("uint32_t schedule_thread(const struct syrup_thread *t)");
            assertUntouched(c);
        }
    }

    @Test
    void anOutOfRangeCpuDeploysButMovesNothingAndCountsFallbacks() throws Exception {
        try (RawClient c = new RawClient(syrupd.socket)) {
            JsonNode r = deployRaw(c, "thread_out_of_range.c");
            assertThat(r.path("ok").asBoolean()).as(r.toString()).isTrue();
            String id = r.path("result").path("id").asText();
            SpinThreads.await(ThreadHookTest.WAIT, () -> target(c).path("fallback").asLong() > 100,
                    () -> "fallbacks: " + target(c));
            JsonNode t = target(c);
            assertThat(t.path("decisions").toString()).isEqualTo("[0,0]");
            assertThat(t.path("threads").path("events").asLong()).isZero();
            assertThat(app.affinities()).containsOnly(ThreadHookTest.BOTH);
            c.request(Request.remove(id, false));
        }
    }

    private static JsonNode target(RawClient c) {
        return c.request(Request.list()).path("deployments").get(0).path("targets").get(0);
    }

    private void assertUntouched(RawClient c) {
        assertThat(c.request(Request.list()).path("deployments")).isEmpty();
        assertThat(syrupd.pinRoot.resolve("deployments").toFile().list()).isNullOrEmpty();
        SyrupdProcess.sleep(300);
        assertThat(app.affinities()).containsOnly(ThreadHookTest.BOTH);
    }
}
