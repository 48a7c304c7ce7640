package dev.syrup.hook;

import dev.syrup.error.DomainException;
import java.util.Locale;

/** Transport protocol of an application's port. */
public enum Protocol {
    UDP(17), TCP(6);

    private final int number;

    Protocol(int number) { this.number = number; }

    /** IANA protocol number (IPPROTO_*). */
    public int number() { return number; }

    public static Protocol parse(String s) {
        try {
            return valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw DomainException.invalid("unknown protocol '" + s + "' (expected udp or tcp)");
        }
    }

    @Override
    public String toString() { return name().toLowerCase(Locale.ROOT); }
}
