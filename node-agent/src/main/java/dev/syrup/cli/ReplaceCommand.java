package dev.syrup.cli;

import dev.syrup.api.DeploymentView;
import dev.syrup.client.SyrupClient;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "replace", description = {
        "Swap a deployment's policy; its maps and counters carry over.",
        "A policy that does not compile or verify leaves the running one untouched."})
public final class ReplaceCommand extends SyrupCommand {
    @Mixin
    DaemonSocket daemon;

    @Parameters(index = "0", paramLabel = "ID", description = "The deployment")
    String id;

    @Parameters(index = "1", paramLabel = "POLICY.c", description = "The new policy's C source")
    Path policy;

    @Option(names = "--force", description = "Replace another user's deployment (root only)")
    boolean force;

    @Option(names = "--json", description = "Print the deployment as JSON")
    boolean json;

    @Override
    protected int run() throws Exception {
        try (SyrupClient client = daemon.connect()) {
            DeploymentView d = client.replace(id, policy, force);
            if (json) {
                printJson(d);
            } else {
                println(d.id() + ": now runs " + DeploymentTable.policy(d.policy()));
            }
        }
        return ExitCodes.OK;
    }
}
