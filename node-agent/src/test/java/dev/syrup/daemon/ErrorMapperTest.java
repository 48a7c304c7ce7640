package dev.syrup.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.syrup.api.ErrorInfo;
import dev.syrup.error.DomainException;
import dev.syrup.error.ErrorKind;
import dev.syrup.policy.VerificationException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Every kind of failure has its protocol error, and the protocol has no kind the agent cannot raise. */
class ErrorMapperTest {
    @Test
    void everyKindIsAProtocolErrorKindAndBack() throws IllegalAccessException {
        var protocolKinds = new java.util.TreeSet<String>();
        for (Field f : ErrorInfo.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                protocolKinds.add((String) f.get(null));
            }
        }
        assertThat(Arrays.stream(ErrorKind.values()).map(ErrorKind::protocolName)).containsExactlyInAnyOrderElementsOf(
                protocolKinds);
    }

    @Test
    void aDomainFailureKeepsItsKindAndAnythingElseIsInternal() {
        assertThat(ErrorMapper.toResponse(DomainException.conflict("port 9000 is taken"), "p.c").error())
                .isEqualTo(new ErrorInfo(ErrorInfo.CONFLICT, "port 9000 is taken", null, null));
        assertThat(ErrorMapper.toResponse(new IllegalArgumentException("a bug"), "p.c").error().kind())
                .isEqualTo(ErrorInfo.INTERNAL);
        assertThat(ErrorMapper.isInternal(new IllegalArgumentException("a bug"))).isTrue();
        assertThat(ErrorMapper.isInternal(DomainException.notFound("no deployment"))).isFalse();
    }

    @Test
    void aVerifierRejectionNamesThePolicysLine() {
        VerificationException e = new VerificationException("syrup_socket_select", 13, "p.c", 12, "p.c:12",
                "return *p;", "invalid mem access", "log");
        assertThat(ErrorMapper.toResponse(e, "p.c").error()).satisfies(i -> {
            assertThat(i.kind()).isEqualTo(ErrorInfo.VERIFIER);
            assertThat(i.file()).isEqualTo("p.c");
            assertThat(i.line()).isEqualTo(12);
        });
    }
}
