package dev.syrup.cli;

import dev.syrup.api.DeploymentView;
import dev.syrup.client.SyrupClient;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "list", description = "Show this node's deployments and what their policies decided.")
public final class ListCommand extends SyrupCommand {
    @Mixin
    DaemonSocket daemon;

    @Option(names = "--json", description = "Print the deployments as a JSON array")
    boolean json;

    @Override
    protected int run() throws Exception {
        List<DeploymentView> deployments;
        try (SyrupClient client = daemon.connect()) {
            deployments = client.list();
        }
        if (json) {
            printJson(deployments);
        } else if (deployments.isEmpty()) {
            println("no deployments");
        } else {
            out().print(DeploymentTable.render(deployments));
            out().flush();
        }
        return ExitCodes.OK;
    }
}
