package dev.syrup.e2e;

import dev.syrup.testing.SyrupdProcess;
import static org.assertj.core.api.Assertions.assertThat;

import dev.syrup.api.HookSpec;
import dev.syrup.api.PolicyText;
import dev.syrup.bpf.MappedMap;
import dev.syrup.client.SyrupClient;
import dev.syrup.testing.NetNs;
import dev.syrup.testing.UdpSender;
import dev.syrup.testing.UdpWorkers;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A SYRUP_MMAP_ARRAY map, mapped into the application through SyrupClient, steers the policy at once. */
class MappedMapTest {
    private static final int PORT = 9800;
    private static final String POLICY = """
            #include "syrup.h"
            SYRUP_MMAP_ARRAY(target, uint32_t, 4);
            uint32_t schedule(void *pkt_start, void *pkt_end)
            {
            	uint32_t zero = 0, one = 1, *t = bpf_map_lookup_elem(&target, &zero);
            	uint32_t *seen = bpf_map_lookup_elem(&target, &one);
            	if (!t || !seen)
            		return SYRUP_PASS;
            	syrup_fetch_add(seen, 1);
            	return *t;
            }
            """;

    @Test
    void memoryWritesSteerAndPolicyWritesAreVisible() throws Exception {
        try (SyrupdProcess syrupd = new SyrupdProcess(); SyrupClient client = SyrupClient.connect(syrupd.socket);
             NetNs ns = NetNs.create(); UdpWorkers server = UdpWorkers.start(ns, "127.0.0.1", PORT, 4)) {
            String id = client.deploy(new PolicyText("mmap_target.c", POLICY),
                    List.of(HookSpec.socketSelect(PORT, "udp", ns.path().toString()))).id();
            try (MappedMap map = MappedMap.open(client.mapPin(id, "target"))) {
                assertThat(map.stride()).isEqualTo(8);
                map.getAndAddInt(0, 3); // element 0: steer everything to socket 3
                UdpSender.to("127.0.0.1", PORT).in(ns).count(30).srcPorts(3).run();
                assertThat(server.awaitTotal(30, Duration.ofSeconds(15))).containsExactly(0, 0, 0, 30);
                assertThat(map.getInt(map.stride())).as("the policy's count, read from memory").isEqualTo(30);
                for (int i = 0; i < 30; i++) {
                    assertThat(map.decrementIfPositive(map.stride())).isTrue();
                }
                assertThat(map.decrementIfPositive(map.stride())).isFalse();
                assertThat(map.getInt(map.stride())).isZero();
            }
            client.remove(id);
        }
    }
}
