package dev.syrup.bench.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A stand-in for the key-value server, for the load generator's own tests: {@code workers}
 * threads, each with its own SO_REUSEPORT UDP socket on one port of 127.0.0.1, answering the
 * GET/SCAN protocol. A GET busy-spins for its service time, a SCAN sleeps for its own (an
 * executor occupied without using a CPU). It can stall every worker once, and drop requests.
 */
final class TestKvServer implements AutoCloseable {
    private final List<DatagramChannel> sockets = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final long getNanos;
    private final long scanNanos;
    private final AtomicLong handled = new AtomicLong();
    private volatile long stallAtRequest = -1;
    private volatile long stallNanos;
    private volatile long stallUntil;
    private volatile int dropEvery;
    private final int port;

    private TestKvServer(int workers, Duration get, Duration scan) throws IOException {
        this.getNanos = get.toNanos();
        this.scanNanos = scan.toNanos();
        this.stallUntil = System.nanoTime();
        int p = 0;
        for (int i = 0; i < workers; i++) {
            DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET);
            ch.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            ch.setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20);
            ch.bind(new InetSocketAddress("127.0.0.1", p));
            p = ((InetSocketAddress) ch.getLocalAddress()).getPort();
            sockets.add(ch);
        }
        this.port = p;
    }

    /** A server with GETs of 10 µs of spinning and SCANs of 1 ms of sleeping. */
    static TestKvServer start(int workers) throws IOException {
        return start(workers, Duration.ofNanos(10_000), Duration.ofMillis(1));
    }

    static TestKvServer start(int workers, Duration get, Duration scan) throws IOException {
        TestKvServer server = new TestKvServer(workers, get, scan);
        for (int i = 0; i < workers; i++) {
            int index = i;
            Thread t = new Thread(() -> server.serve(index), "kv-worker-" + i);
            t.setDaemon(true);
            server.threads.add(t);
            t.start();
        }
        return server;
    }

    InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", port);
    }

    /** Once the server has handled {@code request} requests, every worker stops for {@code stall}. */
    void stallOnce(long request, Duration stall) {
        stallNanos = stall.toNanos();
        stallAtRequest = request;
    }

    /** Leaves every {@code n}-th request (counted over all workers) unanswered; 0 answers all. */
    void dropEvery(int n) {
        dropEvery = n;
    }

    long handled() {
        return handled.get();
    }

    private void serve(int index) {
        DatagramChannel ch = sockets.get(index);
        ByteBuffer buf = ByteBuffer.allocateDirect(2048);
        try {
            while (true) {
                buf.clear();
                SocketAddress from = ch.receive(buf);
                buf.flip();
                if (buf.limit() < Wire.HEADER_BYTES) {
                    continue;
                }
                long n = handled.incrementAndGet();
                if (n == stallAtRequest) {
                    stallUntil = System.nanoTime() + stallNanos;
                }
                sleepUntil(stallUntil);
                int drop = dropEvery;
                if (drop > 0 && n % drop == 0) {
                    continue;
                }
                byte type = buf.get(0);
                if (type == Wire.SCAN) {
                    sleepUntil(System.nanoTime() + scanNanos);
                } else {
                    spin(getNanos);
                }
                ByteBuffer reply = ByteBuffer.allocate(Wire.REPLY_BYTES);
                reply.put(buf.limit(Wire.HEADER_BYTES)).put((byte) index).position(Wire.REPLY_BYTES).flip();
                ch.send(reply, from);
            }
        } catch (ClosedChannelException closed) {
            // close() ends the workers
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    private static void sleepUntil(long deadline) {
        long remaining;
        while ((remaining = deadline - System.nanoTime()) > 0) {
            LockSupport.parkNanos(remaining);
        }
    }

    private static void spin(long nanos) {
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() - end < 0) {
            Thread.onSpinWait();
        }
    }

    @Override
    public void close() throws Exception {
        for (DatagramChannel ch : sockets) {
            ch.close();
        }
        for (Thread t : threads) {
            t.join(2000);
        }
    }
}
