package dev.syrup.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConfigTest {
    private static final InetSocketAddress TARGET = new InetSocketAddress("127.0.0.1", 9);

    @Test
    void defaults() {
        LoadGenerator.Config c = LoadGenerator.Config.of(TARGET, 2000, Duration.ofSeconds(4));
        assertThat(c.scanFraction()).isEqualTo(0.005);
        assertThat(c.sockets()).isEqualTo(256);
        assertThat(c.warmup()).isEqualTo(Duration.ofMillis(400));
        assertThat(c.grace()).isEqualTo(Duration.ofMillis(200));
        assertThat(c.requestBytes()).isEqualTo(16);
    }

    @Test
    void warmupIsAtLeast200MsButNeverMoreThanHalfTheRun() {
        assertThat(LoadGenerator.Config.defaultWarmup(Duration.ofSeconds(1))).isEqualTo(Duration.ofMillis(200));
        assertThat(LoadGenerator.Config.defaultWarmup(Duration.ofMillis(300))).isEqualTo(Duration.ofMillis(150));
        assertThat(LoadGenerator.Config.defaultWarmup(Duration.ofSeconds(10))).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void rejectsNonsense() {
        LoadGenerator.Config c = LoadGenerator.Config.of(TARGET, 2000, Duration.ofSeconds(4));
        assertThatThrownBy(() -> c.withScanFraction(-0.1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> c.withSockets(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> c.withWarmup(Duration.ofSeconds(4))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> c.withRequestBytes(8)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LoadGenerator.Config.of(TARGET, 0, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LoadGenerator.Config.of(InetSocketAddress.createUnresolved("nowhere", 9), 10,
                Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
    }
}
