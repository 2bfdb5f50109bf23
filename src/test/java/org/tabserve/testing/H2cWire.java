package org.tabserve.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http2.hpack.HpackDecoder;

/**
 * HTTP/2 cleartext (prior knowledge) spoken frame by frame, for what gRPC clients never send: a request that declares
 * its {@code Content-Length} (as curl and some proxies do), and a message cut short, its stream then left silent. Each
 * stream's answer is collected as its header fields (the response's and the trailers', {@code :status} included);
 * a stream the server resets has {@code :reset} with the error code. Request headers are written as HPACK literals
 * (no table, no Huffman); the answers are read with Jetty's HPACK decoder. The client's DATA respects the connection's
 * send window, as the server grants it.
 */
public final class H2cWire implements AutoCloseable {

    private static final int DATA = 0,
            HEADERS = 1,
            RST_STREAM = 3,
            SETTINGS = 4,
            PING = 6,
            GOAWAY = 7,
            WINDOW_UPDATE = 8,
            CONTINUATION = 9;
    private static final int END_STREAM = 1, END_HEADERS = 4, ACK = 1;
    private static final int MAX_FRAME = 16_384;

    private final Socket socket;
    private final OutputStream out;
    private final String authority;
    private final Map<Integer, Map<String, String>> fields = new ConcurrentHashMap<>();
    private final Map<Integer, CompletableFuture<Map<String, String>>> ended = new ConcurrentHashMap<>();
    private final HpackDecoder decoder = new HpackDecoder(1 << 20, System::nanoTime);
    private final Thread reader;
    private int nextStream = 1;
    /** What the server lets this client send on the connection (guarded by this). */
    private long sendWindow = 65_535;

    private volatile boolean closed;

    public H2cWire(URI server) throws IOException {
        this(server, null, -1);
    }

    /**
     * Connects from a local address of the test's choosing (another loopback address, {@code 127.0.0.2}, is another
     * client to the server) and, unless {@code initialWindow} is negative, announces that stream window: 0 reads
     * nothing of any answer's body.
     *
     * @param from the local address to connect from, or null for any
     */
    public H2cWire(URI server, java.net.InetAddress from, int initialWindow) throws IOException {
        socket = new Socket(server.getHost(), server.getPort(), from, 0);
        out = socket.getOutputStream();
        authority = server.getHost() + ":" + server.getPort();
        out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        // SETTINGS_INITIAL_WINDOW_SIZE (4), when given
        frame(
                SETTINGS,
                0,
                0,
                initialWindow < 0
                        ? new byte[0]
                        : ByteBuffer.allocate(6)
                                .putShort((short) 4)
                                .putInt(initialWindow)
                                .array());
        reader = new Thread(this::read, "h2c-wire-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Opens a POST stream to {@code path} with {@code headers} and sends {@code data}; the stream ends with it when
     * {@code end}, else stays open.
     *
     * @return the stream's id
     */
    public int post(String path, Map<String, String> headers, byte[] data, boolean end)
            throws IOException, InterruptedException {
        return send("POST", path, headers, data, end);
    }

    /** Opens a stream of {@code method} (as {@link #post} does a POST's). @return the stream's id */
    public int send(String method, String path, Map<String, String> headers, byte[] data, boolean end)
            throws IOException, InterruptedException {
        int stream;
        synchronized (this) {
            stream = nextStream;
            nextStream += 2;
            fields.put(stream, new ConcurrentHashMap<>());
            ended.put(stream, new CompletableFuture<>());
            ByteArrayOutputStream block = new ByteArrayOutputStream();
            literal(block, ":method", method);
            literal(block, ":scheme", "http");
            literal(block, ":path", path);
            literal(block, ":authority", authority);
            headers.forEach((name, value) -> literal(block, name, value));
            byte[] bytes = block.toByteArray();
            int first = Math.min(bytes.length, MAX_FRAME);
            boolean noData = data.length == 0 && end;
            frame(
                    HEADERS,
                    (first == bytes.length ? END_HEADERS : 0) | (noData ? END_STREAM : 0),
                    stream,
                    java.util.Arrays.copyOfRange(bytes, 0, first));
            for (int at = first; at < bytes.length; at += MAX_FRAME) {
                int to = Math.min(bytes.length, at + MAX_FRAME);
                frame(
                        CONTINUATION,
                        to == bytes.length ? END_HEADERS : 0,
                        stream,
                        java.util.Arrays.copyOfRange(bytes, at, to));
            }
        }
        data(stream, data, end);
        return stream;
    }

    /**
     * Sends {@code data} on a stream left open, as the server's window allows; the stream ends with it when {@code end}
     * and {@code data} is not empty ({@link #endStream} ends it with nothing more).
     */
    public void data(int stream, byte[] data, boolean end) throws IOException, InterruptedException {
        for (int at = 0; at < data.length; at += MAX_FRAME) {
            int to = Math.min(data.length, at + MAX_FRAME);
            synchronized (this) {
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (sendWindow < to - at && !closed) {
                    if (System.nanoTime() > deadline) {
                        throw new IOException("the server granted no room to send in 10 s");
                    }
                    wait(1_000);
                }
                sendWindow -= to - at;
                frame(
                        DATA,
                        end && to == data.length ? END_STREAM : 0,
                        stream,
                        java.util.Arrays.copyOfRange(data, at, to));
            }
        }
    }

    /** Ends a stream that {@link #post} left open: an empty DATA frame with END_STREAM. */
    public synchronized void endStream(int stream) throws IOException {
        frame(DATA, END_STREAM, stream, new byte[0]);
    }

    /** The stream's answer once it ends (by the server's END_STREAM, a reset, or the connection's end). */
    public CompletableFuture<Map<String, String>> answer(int stream) {
        return ended.get(stream);
    }

    /** The header fields the stream has been answered with so far ({@code :status} once its headers came). */
    public Map<String, String> fieldsSoFar(int stream) {
        return Map.copyOf(fields.getOrDefault(stream, Map.of()));
    }

    /** A gRPC message's frame: not compressed, its length, its bytes. */
    public static byte[] grpcFrame(byte[] message) {
        return ByteBuffer.allocate(5 + message.length)
                .put((byte) 0)
                .putInt(message.length)
                .put(message)
                .array();
    }

    private void read() {
        try (DataInputStream in = new DataInputStream(socket.getInputStream())) {
            ByteArrayOutputStream block = new ByteArrayOutputStream();
            int blockStream = 0;
            boolean blockEnds = false;
            while (true) {
                int length = (in.readUnsignedByte() << 16) | in.readUnsignedShort();
                int type = in.readUnsignedByte();
                int flags = in.readUnsignedByte();
                int stream = in.readInt() & 0x7fffffff;
                byte[] payload = in.readNBytes(length);
                switch (type) {
                    case DATA -> {
                        if (length > 0) {
                            windowUpdate(0, length);
                        }
                        if ((flags & END_STREAM) != 0) {
                            end(stream, null);
                        }
                    }
                    case HEADERS, CONTINUATION -> {
                        if (type == HEADERS) {
                            block.reset();
                            blockStream = stream;
                            blockEnds = (flags & END_STREAM) != 0;
                        }
                        block.write(payload);
                        if ((flags & END_HEADERS) != 0) {
                            MetaData meta = decoder.decode(ByteBuffer.wrap(block.toByteArray()));
                            Map<String, String> got =
                                    fields.computeIfAbsent(blockStream, s -> new ConcurrentHashMap<>());
                            if (meta instanceof MetaData.Response response) {
                                got.put(":status", Integer.toString(response.getStatus()));
                            }
                            for (HttpField field : meta.getHttpFields()) {
                                got.put(field.getLowerCaseName(), field.getValue());
                            }
                            if (blockEnds) {
                                end(blockStream, null);
                            }
                        }
                    }
                    case RST_STREAM ->
                        end(stream, Integer.toString(ByteBuffer.wrap(payload).getInt()));
                    case SETTINGS -> {
                        if ((flags & ACK) == 0) {
                            synchronized (this) {
                                frame(SETTINGS, ACK, 0, new byte[0]);
                            }
                        }
                    }
                    case PING -> {
                        if ((flags & ACK) == 0) {
                            synchronized (this) {
                                frame(PING, ACK, 0, payload);
                            }
                        }
                    }
                    case WINDOW_UPDATE -> {
                        if (stream == 0) {
                            synchronized (this) {
                                sendWindow += ByteBuffer.wrap(payload).getInt() & 0x7fffffff;
                                notifyAll();
                            }
                        }
                    }
                    case GOAWAY -> {
                        int last = ByteBuffer.wrap(payload).getInt() & 0x7fffffff;
                        ended.forEach((s, done) -> {
                            if (s > last) {
                                end(s, "goaway");
                            }
                        });
                    }
                    default -> {}
                }
            }
        } catch (Exception e) {
            // The connection ended: every stream still open ends with it.
        } finally {
            synchronized (this) {
                closed = true;
                notifyAll();
            }
            ended.keySet().forEach(s -> end(s, "connection closed"));
        }
    }

    private void end(int stream, String reset) {
        Map<String, String> got = new LinkedHashMap<>(fields.getOrDefault(stream, Map.of()));
        if (reset != null) {
            got.putIfAbsent(":reset", reset);
        }
        CompletableFuture<Map<String, String>> done = ended.get(stream);
        if (done != null) {
            done.complete(got);
        }
    }

    private synchronized void windowUpdate(int stream, int increment) throws IOException {
        frame(WINDOW_UPDATE, 0, stream, ByteBuffer.allocate(4).putInt(increment).array());
    }

    /** Writes one frame; callers hold this object's lock. */
    private void frame(int type, int flags, int stream, byte[] payload) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(9);
        header.put((byte) (payload.length >>> 16))
                .put((byte) (payload.length >>> 8))
                .put((byte) payload.length)
                .put((byte) type)
                .put((byte) flags)
                .putInt(stream);
        out.write(header.array());
        out.write(payload);
        out.flush();
    }

    /** An HPACK literal header field without indexing, its name and value as they are (no Huffman). */
    private static void literal(ByteArrayOutputStream block, String name, String value) {
        block.write(0);
        string(block, name.getBytes(StandardCharsets.US_ASCII));
        string(block, value.getBytes(StandardCharsets.US_ASCII));
    }

    private static void string(ByteArrayOutputStream block, byte[] bytes) {
        // HPACK's integer with a 7-bit prefix (the Huffman bit 0).
        int length = bytes.length;
        if (length < 127) {
            block.write(length);
        } else {
            block.write(127);
            length -= 127;
            while (length >= 128) {
                block.write((length & 0x7f) | 0x80);
                length >>>= 7;
            }
            block.write(length);
        }
        block.writeBytes(bytes);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        closed = true;
        socket.close();
        reader.join(5_000);
    }
}
