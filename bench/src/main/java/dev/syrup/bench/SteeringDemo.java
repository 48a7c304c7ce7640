package dev.syrup.bench;

import dev.syrup.bpf.Netns;
import dev.syrup.bpf.Bpffs;
import dev.syrup.deploy.Deployer;
import dev.syrup.deploy.Deployment;
import dev.syrup.hook.PinLayout;
import dev.syrup.hook.NetnsRef;
import dev.syrup.hook.Protocol;
import dev.syrup.hook.SocketSelectTarget;
import dev.syrup.policy.ObjectCache;
import dev.syrup.policy.PolicyCompiler;
import dev.syrup.policy.PolicySource;
import dev.syrup.policy.Sdk;
import dev.syrup.testing.NetNs;
import dev.syrup.testing.UdpSender;
import dev.syrup.testing.UdpWorkers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * Shows socket select at work: a UDP server with 4 SO_REUSEPORT sockets in its own network
 * namespace receives the same traffic under Linux's default hash and under example policies,
 * deployed from outside without changing the server.
 */
public final class SteeringDemo {
    private static final int PORT = 7000;
    private static final int DATAGRAMS = 4000;

    public static void main(String[] args) throws Exception {
        Path cache = Path.of(System.getProperty("user.home"), ".cache", "syrup", "demo");
        Path examples = Path.of(System.getProperty("syrup.examples", "examples"), "policies");
        Sdk sdk = Sdk.extract(cache);
        PolicyCompiler compiler = new PolicyCompiler(sdk, new ObjectCache(cache.resolve("objects")));
        PinLayout layout = new PinLayout(Path.of("/sys/fs/bpf/syrup-demo-" + ProcessHandle.current().pid()));
        try (NetNs ns = NetNs.create(); UdpWorkers server = UdpWorkers.start(ns, "127.0.0.1", PORT, 4)) {
            Deployer deployer = new Deployer(layout, compiler, sdk, Netns.XDP_MODE_AUTO);
            SocketSelectTarget target = new SocketSelectTarget(NetnsRef.of(ns.path()), Protocol.UDP, PORT);
            System.out.printf("UDP server (pid %d) with 4 SO_REUSEPORT sockets on port %d in namespace %s%n",
                    server.pid(), PORT, ns.name());
            System.out.printf("each run: %d datagrams from 2 client ports; payload bytes cycle 0,1,2,3%n%n", DATAGRAMS);
            System.out.printf("%-28s %s%n", "policy", "datagrams per socket");
            show("Linux default (hash)", server, ns);
            for (String policy : List.of("round_robin.c", "route_by_first_byte.c", "source_port_hash.c")) {
                Deployment d = deployer.deploy(PolicySource.fromFile(examples.resolve(policy)), List.of(target));
                try {
                    show(policy, server, ns);
                } finally {
                    deployer.remove(d.id());
                }
            }
            System.out.println();
            System.out.println("Linux hashes each flow to one socket; a policy decides per datagram, without");
            System.out.println("any change to the server. Policies are in examples/policies/.");
        } finally {
            Bpffs.removeTree(layout.root());
        }
    }

    private static void show(String name, UdpWorkers server, NetNs ns) {
        server.reset();
        UdpSender.to("127.0.0.1", PORT).in(ns).count(DATAGRAMS).srcPorts(2).payloadCycle(0, 1, 2, 3).run();
        long[] counts = server.awaitTotal(DATAGRAMS, Duration.ofSeconds(30));
        System.out.printf("%-28s %s%n", name, Arrays.toString(counts));
    }
}
