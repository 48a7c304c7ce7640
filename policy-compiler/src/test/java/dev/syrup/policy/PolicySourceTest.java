package dev.syrup.policy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PolicySourceTest {
    @TempDir
    Path tmp;

    @Test
    void readsFileUnderItsPath() throws Exception {
        Path file = Files.writeString(tmp.resolve("rr.c"), "abc");
        PolicySource src = PolicySource.fromFile(file);
        assertThat(src.name()).isEqualTo(file.toString());
        assertThat(src.content()).isEqualTo("abc".getBytes(StandardCharsets.UTF_8));
        assertThat(src.fileName()).isEqualTo("rr.c");
        assertThat(src).isEqualTo(PolicySource.of(file.toString(), "abc"));
    }

    @Test
    void sha256IsOfTheContent() {
        assertThat(PolicySource.of("inline", "abc").sha256())
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void contentCannotBeChangedFromOutside() {
        byte[] bytes = {1, 2, 3};
        PolicySource src = PolicySource.of("x.c", bytes);
        bytes[0] = 9;
        src.content()[1] = 9;
        assertThat(src.content()).containsExactly(1, 2, 3);
    }

    @Test
    void rejectsFileOverOneMebibyteWithoutReadingIt() throws Exception {
        Path big = tmp.resolve("policy.c");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(10 << 20);
        }
        assertThatThrownBy(() -> PolicySource.fromFile(big))
                .isInstanceOf(PolicyException.class)
                .hasMessage(big + " is 10485760 bytes; the limit is 1048576");
    }

    @Test
    void acceptsExactlyOneMebibyteButNotMore() {
        assertThat(PolicySource.of("ok.c", new byte[PolicySource.MAX_BYTES]).size()).isEqualTo(1 << 20);
        assertThatThrownBy(() -> PolicySource.of("big.c", new byte[PolicySource.MAX_BYTES + 1]))
                .isInstanceOf(PolicyException.class)
                .hasMessage("big.c is 1048577 bytes; the limit is 1048576");
    }

    @Test
    void missingFileIsAPolicyError() {
        Path missing = tmp.resolve("nope.c");
        assertThatThrownBy(() -> PolicySource.fromFile(missing))
                .isInstanceOf(PolicyException.class)
                .hasMessageStartingWith("cannot read " + missing);
    }

    @Test
    void fileNameIsASafeBasename() {
        assertThat(PolicySource.of("/home/me/policies/rr.c", "").fileName()).isEqualTo("rr.c");
        assertThat(PolicySource.of("inline", "").fileName()).isEqualTo("inline");
        assertThat(PolicySource.of("my policy (v2).c", "").fileName()).isEqualTo("my_policy__v2_.c");
        assertThat(PolicySource.of("C:\\policies\\a.c", "").fileName()).isEqualTo("a.c");
        assertThat(PolicySource.of("../..", "").fileName()).isEqualTo("policy.c");
        assertThat(PolicySource.of("dir/", "").fileName()).isEqualTo("policy.c");
        assertThat(PolicySource.of(".hidden.c", "").fileName()).isEqualTo("hidden.c");
        // A policy called like an SDK file would be included in its place.
        assertThat(PolicySource.of("/x/syrup.h", "").fileName()).isEqualTo("policy.c");
        assertThat(PolicySource.of("socket_select.bpf.c", "").fileName()).isEqualTo("policy.c");
        assertThat(PolicySource.of("x".repeat(300) + ".c", "").fileName()).hasSize(100).endsWith(".c");
    }
}
