package dev.syrup.e2e;

import dev.syrup.testing.SyrupdProcess;
import dev.syrup.api.HookSpec;
import dev.syrup.client.SyrupClient;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SyrupClient, the Java client library, against a real syrupd. */
class JavaClientTest {
    @Test
    void deployMapsAndRemoveThroughSyrupClient() throws Exception {
        try (SyrupdProcess syrupd = new SyrupdProcess(); SyrupClient client = SyrupClient.connect(syrupd.socket)) {
            ClientFlow.run(syrupd, new ClientFlow.Client() {
                @Override
                public String deploy(Path policy, int port, Path netns) {
                    return client.deploy(policy, List.of(HookSpec.socketSelect(port, "udp", netns.toString()))).id();
                }

                @Override
                public void mapSetU32(String id, String map, int key, int value) { client.mapSetU32(id, map, key, value); }

                @Override
                public void remove(String id) { client.remove(id); }
            });
        }
    }
}
