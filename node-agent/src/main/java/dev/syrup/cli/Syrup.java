package dev.syrup.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

@Command(name = "syrup", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT, versionProvider = Syrup.Version.class,
        description = "User-defined scheduling across the stack: deploy C policies at socket-select and XDP hooks.",
        subcommands = {DaemonCommand.class, AgentCommand.class, DeployCommand.class, ReplaceCommand.class, RemoveCommand.class,
                ListCommand.class, MapCommand.class, StatusCommand.class, CheckCommand.class, TestCommand.class,
                CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:the request was refused or failed (compile, verifier, forbidden, ...)",
                "2:wrong usage", "3:syrupd is not reachable"})
public final class Syrup extends SyrupCommand {
    public static void main(String[] args) {
        System.exit(new CommandLine(new Syrup()).execute(args));
    }

    @Override
    protected int run() { throw usage("missing command"); }

    /** The build's version, from the jar's manifest ("dev" when run from classes). */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Syrup.class.getPackage().getImplementationVersion();
            return new String[] {"syrup " + (v == null ? "dev" : v)};
        }
    }
}
