package dev.syrup.examples.kvserver;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;

/**
 * A client for the tests, run inside the server's network namespace: sends a script of requests
 * from one UDP socket (one source port, so Linux hashes them all to one worker) to
 * 127.0.0.1:PORT, then prints each reply as {@code REPLY <type> <id> <worker>} in arrival order and
 * {@code DONE}. Request ids count from 0.
 *
 * <p>Arguments: PORT TIMEOUT_MS ITEM..., an item being {@code G}, {@code S}, {@code G*50} (50 GETs)
 * or {@code pause:20} (wait 20 ms). Exits 1 if a reply is missing when the timeout passes.
 */
public final class Probe {
    private Probe() {}

    public static void main(String[] args) throws Exception {
        InetSocketAddress server = new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0]));
        long deadline = System.currentTimeMillis() + Long.parseLong(args[1]);
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.setReceiveBufferSize(1 << 20);
            ByteBuffer request = ByteBuffer.allocate(RequestCodec.REQUEST_BYTES);
            long sent = 0;
            for (int i = 2; i < args.length; i++) {
                String item = args[i];
                if (item.startsWith("pause:")) {
                    Thread.sleep(Long.parseLong(item.substring(6)));
                    continue;
                }
                int star = item.indexOf('*');
                int count = star < 0 ? 1 : Integer.parseInt(item.substring(star + 1));
                byte type = (byte) item.charAt(0);
                for (int n = 0; n < count; n++) {
                    RequestCodec.request(type, sent++, request);
                    socket.send(new DatagramPacket(request.array(), request.limit(), server));
                }
            }
            byte[] buf = new byte[64];
            for (long got = 0; got < sent; got++) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    fail(got, sent);
                }
                socket.setSoTimeout((int) left);
                DatagramPacket reply = new DatagramPacket(buf, buf.length);
                try {
                    socket.receive(reply);
                } catch (SocketTimeoutException e) {
                    fail(got, sent);
                }
                RequestCodec.Reply r = RequestCodec.decodeReply(ByteBuffer.wrap(buf, 0, reply.getLength()).slice());
                System.out.println("REPLY " + (char) r.type() + " " + r.id() + " " + r.worker() + " " + reply.getLength());
            }
            System.out.println("DONE");
        }
    }

    private static void fail(long got, long sent) {
        System.out.println("TIMEOUT " + got + "/" + sent);
        System.exit(1);
    }
}
