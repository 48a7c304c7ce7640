package dev.syrup.policy.elf;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The helper table against the installed linux/bpf.h: every helper the header lists, at its id. */
class BpfHelpersTest {
    private static final Path HEADER = Path.of("/usr/include/linux/bpf.h");
    /** FN(name) (headers before 6.1) or FN(name, id, ...) (6.1 and later). */
    private static final Pattern FN = Pattern.compile("FN\\((\\w+)(?:,\\s*(\\d+))?");

    @Test
    void agreesWithTheKernelHeader() throws Exception {
        String text = Files.readString(HEADER);
        int start = text.indexOf("#define ___BPF_FUNC_MAPPER(");
        if (start < 0)
            start = text.indexOf("#define __BPF_FUNC_MAPPER(");
        assertThat(start).as("__BPF_FUNC_MAPPER in " + HEADER).isPositive();
        String mapper = text.substring(start, text.indexOf("\n\n", start));
        List<String> header = new ArrayList<>();
        Matcher m = FN.matcher(mapper.substring(mapper.indexOf('\n')));
        while (m.find()) {
            if (m.group(2) != null)
                assertThat(Integer.parseInt(m.group(2))).as(m.group(1)).isEqualTo(header.size());
            header.add(m.group(1));
        }
        assertThat(header).hasSizeGreaterThan(200);
        assertThat(BpfHelpers.NAMES.subList(0, header.size())).isEqualTo(header);
    }

    @Test
    void namesHelpersAndUnknownIds() {
        assertThat(BpfHelpers.name(113)).isEqualTo("bpf_probe_read_kernel");
        assertThat(BpfHelpers.id("bpf_sk_select_reuseport")).isEqualTo(82);
        assertThat(BpfHelpers.name(100000)).isEqualTo("helper #100000");
    }
}
