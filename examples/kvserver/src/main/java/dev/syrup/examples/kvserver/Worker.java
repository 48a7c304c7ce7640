package dev.syrup.examples.kvserver;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * One worker: serves the requests arriving on its own socket, one at a time, and answers each from
 * that socket. A GET spins for its service time; a SCAN waits (or spins, in spin mode).
 */
final class Worker implements Runnable {
    private final int index;
    private final DatagramChannel channel;
    private final long getNanos;
    private final long scanNanos;
    private final boolean scanSpins;
    private final Supplier<WorkerState> state;

    Worker(int index, DatagramChannel channel, ServerOptions options, Supplier<WorkerState> state) {
        this.index = index;
        this.channel = channel;
        this.getNanos = TimeUnit.MICROSECONDS.toNanos(options.getUs);
        this.scanNanos = TimeUnit.MICROSECONDS.toNanos(options.scanUs);
        this.scanSpins = options.scanMode == ServerOptions.ScanMode.SPIN;
        this.state = state;
    }

    @Override
    public void run() {
        ByteBuffer in = ByteBuffer.allocateDirect(2048);
        ByteBuffer out = ByteBuffer.allocateDirect(RequestCodec.REPLY_BYTES);
        try {
            for (;;) {
                in.clear();
                SocketAddress client = channel.receive(in);
                in.flip();
                byte type = RequestCodec.type(in);
                boolean served = serve(type);
                // The request is done: take it off this worker's counters before answering, so a
                // client that has its answer never sees it still queued.
                state.get().finished(index, RequestCodec.countedAsScan(in));
                if (served) {
                    RequestCodec.reply(in, index, out);
                    channel.send(out, client);
                }
            }
        } catch (ClosedChannelException e) {
            // The server is shutting down.
        } catch (IOException e) {
            System.err.println("worker " + index + ": " + e);
        }
    }

    /** Does a request's work; false if it is not a request this server knows (no answer then). */
    private boolean serve(byte type) {
        switch (type) {
            case RequestCodec.GET -> spin(getNanos);
            case RequestCodec.SCAN -> {
                if (scanSpins) {
                    spin(scanNanos);
                } else {
                    await(scanNanos);
                }
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    private static void spin(long nanos) {
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() - end < 0) {
            Thread.onSpinWait();
        }
    }

    private static void await(long nanos) {
        long end = System.nanoTime() + nanos;
        for (long left = nanos; left > 0; left = end - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }
}
