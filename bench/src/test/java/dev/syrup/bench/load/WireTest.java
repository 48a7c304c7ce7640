package dev.syrup.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class WireTest {
    @Test
    void requestIsTypeThenLittleEndianIdThenPadding() {
        ByteBuffer buf = ByteBuffer.allocate(64);
        Wire.encodeRequest(buf, Wire.SCAN, 0x0102030405060708L, 16);
        assertThat(buf.remaining()).isEqualTo(16);
        byte[] b = new byte[16];
        buf.get(b);
        assertThat(b).containsExactly('S', 8, 7, 6, 5, 4, 3, 2, 1, 0, 0, 0, 0, 0, 0, 0);
    }

    @Test
    void replyCarriesTheHeaderAndTheWorker() {
        ByteBuffer reply = ByteBuffer.wrap(new byte[] {'G', 42, 1, 0, 0, 0, 0, 0, 0, (byte) 200, 0, 0, 0, 0, 0, 0});
        assertThat(Wire.isReply(reply)).isTrue();
        assertThat(Wire.type(reply)).isEqualTo(Wire.GET);
        assertThat(Wire.id(reply)).isEqualTo(256 + 42);
        assertThat(Wire.worker(reply)).isEqualTo(200);
        assertThat(Wire.isReply(ByteBuffer.wrap(new byte[9]))).isFalse();
    }
}
