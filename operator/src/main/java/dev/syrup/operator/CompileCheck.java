package dev.syrup.operator;

import dev.syrup.crds.v1alpha1.HookType;
import dev.syrup.crds.v1alpha1.PolicyHook;
import dev.syrup.crds.v1alpha1.PolicyReasons;
import dev.syrup.error.DomainException;
import dev.syrup.policy.Hook;
import dev.syrup.policy.CompileException;
import dev.syrup.policy.CompilerUnavailableException;
import dev.syrup.policy.ObjectCache;
import dev.syrup.policy.PolicyCompiler;
import dev.syrup.policy.PolicyForbiddenException;
import dev.syrup.policy.Sdk;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Compiles a policy with the node agent's compiler (clang, the SDK in the agent's jar) for each hook type it
 * names, once per source content and hook: every reconcile of an unchanged policy reuses the result, so a
 * broken policy costs one compile and is reported once, in the policy's status.
 */
@ApplicationScoped
public class CompileCheck {
    public static final String COMPILE_FAILED = PolicyReasons.COMPILE_FAILED;
    public static final String COMPILER_UNAVAILABLE = PolicyReasons.COMPILER_UNAVAILABLE;
    public static final String POLICY_FORBIDDEN = PolicyReasons.POLICY_FORBIDDEN;
    private static final Logger LOG = Logger.getLogger(CompileCheck.class);
    private static final int MAX_REMEMBERED = 1024;
    private static final int MAX_MESSAGE = 4000;

    /** ok, or the failure (reason, message); unchecked: hook types the compiler cannot check here. */
    public record Result(boolean ok, String reason, String message, List<String> unchecked) {}

    private record Outcome(boolean ok, String reason, String message) {}

    private final OperatorConfig config;
    private final Counter failures;
    private final Map<String, Outcome> outcomes = new ConcurrentHashMap<>();
    private volatile PolicyCompiler compiler;

    public CompileCheck(OperatorConfig config, MeterRegistry registry) {
        this.config = config;
        this.failures = Counter.builder("syrup_policy_compile_failures")
                .description("Compile checks that failed (each distinct source and hook counts once)").register(registry);
    }

    public Result check(ResolvedSource source, List<PolicyHook> hooks) {
        Set<HookType> types = new LinkedHashSet<>();
        hooks.forEach(h -> types.add(h.getType()));
        List<String> unchecked = new ArrayList<>();
        for (HookType type : types) {
            Optional<Hook> hook = agentHook(type);
            if (hook.isEmpty()) {
                unchecked.add(type.cliName());
                continue;
            }
            Outcome o = outcome(source, hook.get());
            if (!o.ok()) {
                return new Result(false, o.reason(), o.message(), unchecked);
            }
        }
        return new Result(true, null, null, unchecked);
    }

    /** The agent's hook of that name; empty when this build of the agent has none (thread before it exists). */
    static Optional<Hook> agentHook(HookType type) {
        try {
            return Optional.of(Hook.fromCliName(type.cliName()));
        } catch (DomainException e) {
            return Optional.empty();
        }
    }

    private Outcome outcome(ResolvedSource source, Hook hook) {
        String key = source.sha256() + "/" + source.name() + "/" + hook.cliName();
        Outcome known = outcomes.get(key);
        if (known != null) {
            return known;
        }
        Outcome o = compile(source, hook);
        if (o.ok() || COMPILE_FAILED.equals(o.reason()) || POLICY_FORBIDDEN.equals(o.reason())) { // a missing compiler is worth another try later
            if (outcomes.size() >= MAX_REMEMBERED) {
                outcomes.clear();
            }
            outcomes.put(key, o);
        }
        return o;
    }

    private Outcome compile(ResolvedSource source, Hook hook) {
        try {
            compiler().compile(source.toPolicySource(), hook);
            return new Outcome(true, null, null);
        } catch (CompileException e) {
            boolean toolchain = e instanceof CompilerUnavailableException;
            failures.increment();
            LOG.infof("compile check of %s at %s failed: %s", source.name(), hook, firstLine(e.getMessage()));
            String message = "at " + hook.cliName() + ": " + e.getMessage();
            return new Outcome(false, toolchain ? COMPILER_UNAVAILABLE : COMPILE_FAILED, truncate(message));
        } catch (PolicyForbiddenException e) {
            failures.increment();
            LOG.infof("compile check of %s at %s refused the policy: %s", source.name(), hook, firstLine(e.getMessage()));
            return new Outcome(false, POLICY_FORBIDDEN, truncate("at " + hook.cliName() + ": " + e.getMessage()));
        } catch (RuntimeException e) {
            failures.increment();
            LOG.warnf(e, "compile check of %s at %s could not run", source.name(), hook);
            return new Outcome(false, COMPILER_UNAVAILABLE, truncate("the compile check could not run: " + e.getMessage()));
        }
    }

    private PolicyCompiler compiler() {
        PolicyCompiler c = compiler;
        if (c == null) {
            synchronized (this) {
                if (compiler == null) {
                    Sdk sdk = Sdk.extract(config.cacheDir());
                    compiler = new PolicyCompiler(sdk, new ObjectCache(config.cacheDir()), config.clang(), config.compileTimeout());
                }
                c = compiler;
            }
        }
        return c;
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static String truncate(String s) {
        return s.length() <= MAX_MESSAGE ? s : s.substring(0, MAX_MESSAGE) + "\n...";
    }
}
