package dev.syrup.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.syrup.api.Json;
import dev.syrup.client.SyrupException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * A syrup subcommand: writes to the command line's out and err (so callers can capture them) and
 * turns failures into "syrup: message" on err and an exit code (ExitCodes).
 */
public abstract class SyrupCommand implements Callable<Integer> {
    @Spec
    protected CommandSpec spec;

    /** Does the command's work; returns its exit code. */
    protected abstract int run() throws Exception;

    @Override
    public final Integer call() {
        try {
            return run();
        } catch (ParameterException e) {
            throw e; // picocli reports usage errors itself, with exit code 2
        } catch (SyrupException e) {
            return fail(e.isUnreachable() ? ExitCodes.UNREACHABLE : ExitCodes.FAILED, e);
        } catch (Exception e) {
            return fail(ExitCodes.FAILED, e);
        }
    }

    private int fail(int code, Exception e) {
        err().println("syrup: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
        if (System.getenv("SYRUP_DEBUG") != null) {
            e.printStackTrace(err());
        }
        err().flush();
        return code;
    }

    protected PrintWriter out() { return spec.commandLine().getOut(); }

    protected PrintWriter err() { return spec.commandLine().getErr(); }

    protected ParameterException usage(String message) { return new ParameterException(spec.commandLine(), message); }

    protected void printJson(Object value) throws JsonProcessingException {
        out().println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value));
        out().flush();
    }

    protected void println(String line) {
        out().println(line);
        out().flush();
    }
}
