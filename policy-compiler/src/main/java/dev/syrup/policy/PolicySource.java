package dev.syrup.policy;

import dev.syrup.error.DomainException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** The text of a policy and the name it is shown under in messages (the user's path, or e.g. "inline"). */
public final class PolicySource {
    /** Largest policy accepted, in bytes. */
    public static final int MAX_BYTES = 1 << 20;

    private static final String DEFAULT_FILE_NAME = "policy.c";
    private static final int MAX_FILE_NAME = 100;

    private final String name;
    private final byte[] content;

    private PolicySource(String name, byte[] content) {
        if (name == null || name.isBlank())
            throw DomainException.invalid("a policy needs a name");
        checkSize(name, content.length);
        this.name = name;
        this.content = content;
    }

    /** Reads a policy file; its path as given is the display name. */
    public static PolicySource fromFile(Path path) {
        String name = path.toString();
        try {
            checkSize(name, Files.size(path)); // before reading a huge file into memory
            return new PolicySource(name, Files.readAllBytes(path));
        } catch (IOException e) {
            throw new PolicyException("cannot read " + name + ": " + e, e);
        }
    }

    public static PolicySource of(String name, String text) {
        return new PolicySource(name, text.getBytes(StandardCharsets.UTF_8));
    }

    public static PolicySource of(String name, byte[] content) {
        return new PolicySource(name, content.clone());
    }

    private static void checkSize(String name, long size) {
        if (size > MAX_BYTES)
            throw new PolicyException(name + " is " + size + " bytes; the limit is " + MAX_BYTES);
    }

    /** The name used in messages. */
    public String name() { return name; }

    public byte[] content() { return content.clone(); }

    public int size() { return content.length; }

    /** Hex SHA-256 of the content. */
    public String sha256() { return Sha256.of(content); }

    /**
     * The file name the policy is compiled under: the display name's last path element, reduced to
     * [A-Za-z0-9._+-]. It is what debug info and verifier logs call the policy's file. Names that are
     * empty or would shadow an SDK file become "policy.c".
     */
    public String fileName() {
        String base = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
        String clean = base.replaceAll("[^A-Za-z0-9._+-]", "_").replaceFirst("^\\.+", "");
        if (clean.length() > MAX_FILE_NAME)
            clean = clean.substring(clean.length() - MAX_FILE_NAME);
        if (clean.isEmpty() || Sdk.isSdkFileName(clean))
            return DEFAULT_FILE_NAME;
        return clean;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PolicySource p && p.name.equals(name) && Arrays.equals(p.content, content);
    }

    @Override
    public int hashCode() { return 31 * name.hashCode() + Arrays.hashCode(content); }

    @Override
    public String toString() { return name + " (" + content.length + " bytes)"; }

    private static final java.util.regex.Pattern SCHEDULE = java.util.regex.Pattern.compile("\\bschedule\\s*\\(");
    private static final java.util.regex.Pattern SCHEDULE_THREAD = java.util.regex.Pattern.compile("\\bschedule_thread\\s*\\(");

    /**
     * The hooks whose entry point the text names: the network hooks for schedule(), thread for
     * schedule_thread(); the network hooks if it names neither (where the missing schedule() is reported).
     */
    public java.util.List<dev.syrup.policy.Hook> hooksWithEntryPoints() {
        String text = new String(content, java.nio.charset.StandardCharsets.UTF_8);
        java.util.List<dev.syrup.policy.Hook> hooks = new java.util.ArrayList<>();
        boolean thread = SCHEDULE_THREAD.matcher(text).find();
        if (SCHEDULE.matcher(text).find() || !thread) {
            java.util.Arrays.stream(dev.syrup.policy.Hook.values()).filter(dev.syrup.policy.Hook::isNetwork).forEach(hooks::add);
        }
        if (thread) {
            hooks.add(dev.syrup.policy.Hook.THREAD);
        }
        return java.util.List.copyOf(hooks);
    }
}
