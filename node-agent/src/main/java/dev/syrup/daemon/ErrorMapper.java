package dev.syrup.daemon;

import dev.syrup.api.ErrorInfo;
import dev.syrup.api.Response;
import dev.syrup.error.ErrorKind;
import dev.syrup.error.DomainException;
import dev.syrup.policy.CompileException;
import dev.syrup.policy.Diagnostic;
import dev.syrup.policy.PolicyForbiddenException;
import dev.syrup.policy.VerificationException;

/**
 * Turns a failure into the protocol's error: a {@link DomainException} by its kind, with the policy's
 * file and line where the failure has one; anything else is internal (a fault of syrupd, logged).
 */
final class ErrorMapper {
    private ErrorMapper() {}

    /** policyName: the name the request's policy is shown under (for a compile error's line). */
    static Response toResponse(RuntimeException e, String policyName) {
        if (!(e instanceof DomainException s)) {
            return Response.failure(new ErrorInfo(ErrorInfo.INTERNAL, e.toString(), null, null));
        }
        String kind = s.kind().protocolName();
        if (e instanceof CompileException c) {
            // file and line are the policy's: an error clang reports in an SDK file (a policy without
            // schedule(), an unclosed brace) has no line the user could go to.
            Diagnostic first = c.diagnostics().stream()
                    .filter(d -> d.severity().isError() && policyName.equals(d.file()) && d.line() > 0)
                    .findFirst().orElse(null);
            return Response.failure(new ErrorInfo(kind, e.getMessage(), policyName, first == null ? null : first.line()));
        }
        if (e instanceof VerificationException v) {
            return Response.failure(new ErrorInfo(kind, e.getMessage(), v.file(), v.line() > 0 ? v.line() : null));
        }
        if (e instanceof PolicyForbiddenException f) {
            return Response.failure(new ErrorInfo(kind, e.getMessage(), f.file(), f.line() > 0 ? f.line() : null));
        }
        return Response.failure(new ErrorInfo(kind, e.getMessage(), null, null));
    }

    /** Whether the failure is a fault of syrupd rather than of the request (worth a stack trace in the log). */
    static boolean isInternal(RuntimeException e) {
        return !(e instanceof DomainException s) || s.kind() == ErrorKind.INTERNAL;
    }
}
