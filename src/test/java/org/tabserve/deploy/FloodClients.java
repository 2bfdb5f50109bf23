package org.tabserve.deploy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The hostile clients of {@link ConnectionFloodChecks}: a flood of half-sent headers, and header trickles. */
final class FloodClients {

    private FloodClients() {}

    /** Connections that send half a request's headers and then nothing; opened at once, without blocking. */
    static final class Flood implements AutoCloseable {
        private final List<SocketChannel> open = new ArrayList<>();
        int connected;
        int refused;
        int pending;

        static Flood open(InetSocketAddress address, int count, Duration connectWithin) throws IOException {
            Flood flood = new Flood();
            byte[] half = ("POST /api/predict HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            try (Selector selector = Selector.open()) {
                for (int i = 0; i < count; i++) {
                    SocketChannel channel = SocketChannel.open();
                    channel.configureBlocking(false);
                    flood.open.add(channel);
                    if (channel.connect(address)) {
                        flood.send(channel, half);
                    } else {
                        channel.register(selector, SelectionKey.OP_CONNECT);
                    }
                }
                long deadline = System.nanoTime() + connectWithin.toNanos();
                while (!selector.keys().isEmpty() && System.nanoTime() < deadline) {
                    selector.select(200);
                    for (SelectionKey key : selector.selectedKeys()) {
                        SocketChannel channel = (SocketChannel) key.channel();
                        key.cancel();
                        try {
                            if (channel.finishConnect()) {
                                flood.send(channel, half);
                            }
                        } catch (IOException refusedOrReset) {
                            flood.refused++;
                            channel.close();
                        }
                    }
                    selector.selectedKeys().clear();
                    selector.selectNow();
                }
                flood.pending = selector.keys().size();
            }
            return flood;
        }

        private void send(SocketChannel channel, byte[] half) throws IOException {
            channel.write(ByteBuffer.wrap(half));
            connected++;
        }

        /** @return how many of the connected ones the server has closed (end of stream or reset) */
        int closedByServer() {
            int closed = 0;
            ByteBuffer buffer = ByteBuffer.allocate(512);
            for (SocketChannel channel : open) {
                if (!channel.isOpen() || channel.isConnectionPending()) {
                    continue;
                }
                try {
                    buffer.clear();
                    if (channel.read(buffer) < 0) {
                        closed++;
                    }
                } catch (IOException | java.nio.channels.NotYetConnectedException e) {
                    closed++;
                }
            }
            return closed;
        }

        @Override
        public void close() {
            for (SocketChannel channel : open) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // closing a refused or reset connection
                }
            }
        }
    }

    /** Clients that send a request line, then one header a byte at a time; trickled whenever the test waits. */
    static final class Trickles implements AutoCloseable {
        private final List<SocketChannel> channels = new ArrayList<>();
        private final long[] cutAt;
        private long lastByte;

        private Trickles(int count) {
            cutAt = new long[count];
        }

        static Trickles open(InetSocketAddress address, int count) throws IOException {
            Trickles trickles = new Trickles(count);
            for (int i = 0; i < count; i++) {
                SocketChannel channel = SocketChannel.open(address);
                channel.write(ByteBuffer.wrap("GET /health/live HTTP/1.1\r\nHost: localhost\r\nX-Trickle: "
                        .getBytes(StandardCharsets.US_ASCII)));
                channel.configureBlocking(false);
                trickles.channels.add(channel);
            }
            trickles.lastByte = System.nanoTime();
            return trickles;
        }

        /** Sends each open trickle its next byte once {@link #ConnectionFloodChecks.TRICKLE_PAUSE} has passed; notes those the server cut. */
        void trickle() {
            if (System.nanoTime() - lastByte < ConnectionFloodChecks.TRICKLE_PAUSE.toNanos()) {
                return;
            }
            lastByte = System.nanoTime();
            ByteBuffer buffer = ByteBuffer.allocate(4096);
            for (int i = 0; i < channels.size(); i++) {
                if (cutAt[i] != 0) {
                    continue;
                }
                SocketChannel channel = channels.get(i);
                try {
                    buffer.clear();
                    if (channel.read(buffer) != 0) { // an answer (a 408) or the end: the server is done with it
                        cutAt[i] = System.nanoTime();
                        continue;
                    }
                    channel.write(ByteBuffer.wrap(new byte[] {'a'}));
                } catch (IOException reset) {
                    cutAt[i] = System.nanoTime();
                }
            }
        }

        /** Trickles until the server has cut every one, within {@code bound} of {@code since}; returns how long. */
        Duration awaitAllCut(Duration bound, Duration since) throws InterruptedException {
            long deadline = since.toNanos() + bound.toNanos();
            while (System.nanoTime() < deadline) {
                trickle();
                long latest = 0;
                boolean all = true;
                for (long at : cutAt) {
                    all &= at != 0;
                    latest = Math.max(latest, at);
                }
                if (all) {
                    return Duration.ofNanos(latest - since.toNanos());
                }
                Thread.sleep(100);
            }
            throw new AssertionError("header trickles (a byte every " + ConnectionFloodChecks.TRICKLE_PAUSE.toSeconds()
                    + " s) were not cut within " + bound + " of their start; the runtime should have closed them after "
                    + ConnectionFloodChecks.HEADER_DEADLINE.toSeconds() + " s");
        }

        @Override
        public void close() throws IOException {
            for (SocketChannel channel : channels) {
                channel.close();
            }
        }
    }
}
