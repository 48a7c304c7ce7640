package dev.syrup.cli;

import dev.syrup.policy.Hook;
import dev.syrup.hook.Protocol;
import java.util.Arrays;
import java.util.Iterator;
import dev.syrup.error.DomainException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Converters for option values; a bad value is a usage error naming the choices. */
final class Converters {
    private Converters() {}

    static final class HookName implements ITypeConverter<Hook> {
        @Override
        public Hook convert(String value) {
            try {
                return Hook.fromCliName(value);
            } catch (DomainException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    static final class ProtocolName implements ITypeConverter<Protocol> {
        @Override
        public Protocol convert(String value) {
            try {
                return Protocol.parse(value);
            } catch (DomainException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** The hook names, for completion and help. */
    static final class HookNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() { return Arrays.stream(Hook.values()).map(Hook::cliName).iterator(); }
    }
}
