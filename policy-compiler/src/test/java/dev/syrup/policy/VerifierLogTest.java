package dev.syrup.policy;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class VerifierLogTest {
    /** The end of the log for a policy (bad.c) that reads the payload without a bounds check. */
    static final String OUT_OF_BOUNDS = """
            ; if (m) { @ syrup_hook.h:43
            23: (15) if r0 == 0x0 goto pc+8       ; R0=map_value(map=syrup_meta,ks=4,vs=12)
            ;  @ syrup_parse.h:0
            30: (dc) r1 = be16 r1                 ; R1=scalar(smin=smin32=0,smax=umax=smax32=umax32=0xffff,var_off=(0x0; 0xffff))
            ; m->src_port = sport; @ syrup_hook.h:44
            31: (6b) *(u16 *)(r0 +0) = r1         ; R0=map_value(map=syrup_meta,ks=4,vs=12) R1=scalar(...)
            ; uint8_t first = *(uint8_t *)pkt_start; @ bad.c:5
            32: (71) r1 = *(u8 *)(r8 +0)
            invalid access to packet, off=8 size=1, R8(id=0,off=8,r=8)
            R8 offset is outside of the packet
            verification time 636 usec
            stack depth 24
            processed 32 insns (limit 1000000) max_states_per_insn 0 total_states 2 peak_states 2 mark_read 0
            """;

    @Test
    void findsTheFailingLineOfThePolicy() {
        VerifierLog log = VerifierLog.parse(OUT_OF_BOUNDS, "bad.c");
        assertThat(log.sourceFile()).isEqualTo("bad.c");
        assertThat(log.sourceLine()).isEqualTo(5);
        assertThat(log.sourceText()).isEqualTo("uint8_t first = *(uint8_t *)pkt_start;");
        assertThat(log.inPolicy()).isTrue();
        assertThat(log.reason()).containsExactly(
                "invalid access to packet, off=8 size=1, R8(id=0,off=8,r=8)",
                "R8 offset is outside of the packet");
    }

    @Test
    void exceptionNamesThePolicyByItsDisplayName() {
        VerificationException e = VerifierLog.toException("syrup_socket_select", 13, OUT_OF_BOUNDS,
                "bad.c", "policies/bad.c");
        assertThat(e).isInstanceOf(PolicyException.class);
        assertThat(e.getMessage()).isEqualTo("policies/bad.c:5: verifier rejected program syrup_socket_select: "
                + "invalid access to packet, off=8 size=1, R8(id=0,off=8,r=8); R8 offset is outside of the packet\n"
                + "    uint8_t first = *(uint8_t *)pkt_start;");
        assertThat(e.programName()).isEqualTo("syrup_socket_select");
        assertThat(e.errno()).isEqualTo(13);
        assertThat(e.file()).isEqualTo("policies/bad.c");
        assertThat(e.line()).isEqualTo(5);
        assertThat(e.location()).isEqualTo("policies/bad.c:5");
        assertThat(e.sourceText()).isEqualTo("uint8_t first = *(uint8_t *)pkt_start;");
        assertThat(e.summary()).isEqualTo(
                "invalid access to packet, off=8 size=1, R8(id=0,off=8,r=8); R8 offset is outside of the packet");
        assertThat(e.log()).isEqualTo(OUT_OF_BOUNDS);
    }

    @Test
    void negativeErrnoIsReportedPositive() {
        assertThat(VerifierLog.toException("p", -13, OUT_OF_BOUNDS, "bad.c", "bad.c").errno()).isEqualTo(13);
    }

    @Test
    void logWithoutLineInfo() {
        String log = """
                func#0 @0
                0: R1=ctx() R10=fp0
                0: (61) r2 = *(u32 *)(r1 +0)
                1: (71) r3 = *(u8 *)(r2 +0)
                R2 invalid mem access 'scalar'
                verification time 12 usec
                stack depth 0
                processed 2 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0
                """;
        VerificationException e = VerifierLog.toException("syrup_xdp_cpu", 13, log, "policy.c", "policy.c");
        assertThat(e.line()).isEqualTo(-1);
        assertThat(e.location()).isNull();
        assertThat(e.sourceText()).isNull();
        assertThat(e.summary()).isEqualTo("R2 invalid mem access 'scalar'");
        assertThat(e.getMessage())
                .isEqualTo("policy.c: verifier rejected program syrup_xdp_cpu: R2 invalid mem access 'scalar'");
    }

    @Test
    void oldKernelSourceLinesWithoutFileAndLine() {
        String log = """
                ; uint8_t first = *(uint8_t *)pkt_start;
                32: (71) r1 = *(u8 *)(r8 +0)
                invalid access to packet, off=8 size=1, R8(id=0,off=8,r=8)
                processed 32 insns (limit 1000000) max_states_per_insn 0 total_states 2 peak_states 2 mark_read 0
                """;
        VerificationException e = VerifierLog.toException("p", 13, log, "bad.c", "bad.c");
        assertThat(e.line()).isEqualTo(-1);
        assertThat(e.location()).isNull();
        assertThat(e.sourceText()).isEqualTo("uint8_t first = *(uint8_t *)pkt_start;");
        assertThat(e.getMessage()).isEqualTo("bad.c: verifier rejected program p: "
                + "invalid access to packet, off=8 size=1, R8(id=0,off=8,r=8)\n    uint8_t first = *(uint8_t *)pkt_start;");
    }

    @Test
    void failingLineInAnSdkFile() {
        String log = """
                ; struct syrup_pkt_meta *m = bpf_map_lookup_elem(&syrup_meta, &zero); @ syrup_hook.h:41
                20: (85) call bpf_map_lookup_elem#1   ; R0_w=map_value_or_null(id=1,map=syrup_meta,ks=4,vs=12)
                ; m->src_port = sport; @ syrup_hook.h:44
                21: (6b) *(u16 *)(r0 +0) = r1
                R0 invalid mem access 'map_value_or_null'
                verification time 100 usec
                stack depth 24
                processed 21 insns (limit 1000000) max_states_per_insn 0 total_states 2 peak_states 2 mark_read 0
                """;
        VerificationException e = VerifierLog.toException("syrup_socket_select", 13, log, "rr.c", "/src/rr.c");
        assertThat(e.line()).isEqualTo(-1);
        assertThat(e.file()).isEqualTo("/src/rr.c");
        assertThat(e.location()).isEqualTo("syrup_hook.h:44");
        assertThat(e.sourceText()).isEqualTo("m->src_port = sport;");
        assertThat(e.getMessage()).isEqualTo("/src/rr.c: verifier rejected program syrup_socket_select: "
                + "R0 invalid mem access 'map_value_or_null'\n    in SDK code at syrup_hook.h:44:\n    m->src_port = sport;");
    }

    @Test
    void logAsLibbpfPrintsIt() {
        String log = "libbpf: prog 'syrup_socket_select': BPF program load failed: Permission denied\n"
                + "libbpf: prog 'syrup_socket_select': -- BEGIN PROG LOAD LOG --\n"
                + OUT_OF_BOUNDS
                + "-- END PROG LOAD LOG --\n"
                + "libbpf: prog 'syrup_socket_select': failed to load: -13\n"
                + "libbpf: failed to load object 'x.o'\n";
        VerifierLog parsed = VerifierLog.parse(log, "bad.c");
        assertThat(parsed.sourceLine()).isEqualTo(5);
        assertThat(parsed.summary()).isEqualTo(
                "invalid access to packet, off=8 size=1, R8(id=0,off=8,r=8); R8 offset is outside of the packet");
    }

    @Test
    void policyFileNamedByFullPath() {
        String log = OUT_OF_BOUNDS.replace("@ bad.c:5", "@ /var/cache/syrup/work/compile-1/bad.c:5");
        VerifierLog parsed = VerifierLog.parse(log, "bad.c");
        assertThat(parsed.inPolicy()).isTrue();
        assertThat(parsed.sourceFile()).isEqualTo("bad.c");
    }

    @Test
    void sourceTextContainingAnAtSign() {
        String log = "; x = y @ z; @ p.c:7\n3: (b7) r0 = 0\nR0 !read_ok\n";
        VerifierLog parsed = VerifierLog.parse(log, "p.c");
        assertThat(parsed.sourceText()).isEqualTo("x = y @ z;");
        assertThat(parsed.sourceLine()).isEqualTo(7);
    }

    @Test
    void emptyLog() {
        VerificationException e = VerifierLog.toException("syrup_xdp_cpu", 22, "", "policy.c", "inline");
        assertThat(e.line()).isEqualTo(-1);
        assertThat(e.summary()).isEmpty();
        assertThat(e.getMessage()).isEqualTo("inline: verifier rejected program syrup_xdp_cpu: no reason given (errno 22)");
    }

    @Test
    void logWithoutInstructions() {
        String log = "func#0 @0\nlast insn is not an exit or jmp\nverification time 5 usec\n";
        VerifierLog parsed = VerifierLog.parse(log, "policy.c");
        assertThat(parsed.summary()).isEqualTo("last insn is not an exit or jmp");
        assertThat(parsed.sourceLine()).isEqualTo(-1);
    }
}
