package org.tabserve.launcher;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * An HTTP/2 cleartext client that writes the frames a test names and reads the server's one by one, for what no
 * well-behaved client does: open a stream window of 0 and read nothing, or reset a stream half-way. Headers are sent
 * as HPACK literals (no table, no Huffman), which every server must read.
 */
public final class RawH2c implements AutoCloseable {

    public static final int DATA = 0;
    public static final int HEADERS = 1;
    public static final int RST_STREAM = 3;
    public static final int SETTINGS = 4;
    public static final int PING = 6;
    public static final int END_STREAM = 0x1;
    public static final int END_HEADERS = 0x4;
    /** SETTINGS_MAX_CONCURRENT_STREAMS' identifier. */
    public static final int MAX_CONCURRENT_STREAMS = 3;
    /** SETTINGS_INITIAL_WINDOW_SIZE's identifier. */
    public static final int INITIAL_WINDOW_SIZE = 4;
    /** RST_STREAM's CANCEL error code. */
    public static final int CANCEL = 8;

    /** A frame as read: its type, flags, stream and payload. */
    public record Frame(int type, int flags, int stream, byte[] payload) {}

    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;
    /** What the server's SETTINGS frames said so far, identifier to value. */
    private final Map<Integer, Integer> serverSettings = new java.util.concurrent.ConcurrentHashMap<>();

    /** Connects with HTTP/2's preface and a SETTINGS frame of {@code settings} (identifier to value). */
    public RawH2c(URI server, Map<Integer, Integer> settings) throws IOException {
        socket = new Socket(server.getHost(), server.getPort());
        socket.setSoTimeout(60_000);
        out = socket.getOutputStream();
        in = new DataInputStream(socket.getInputStream());
        out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        settings.forEach((id, value) -> {
            payload.write(id >> 8);
            payload.write(id);
            for (int shift = 24; shift >= 0; shift -= 8) {
                payload.write(value >> shift);
            }
        });
        frame(SETTINGS, 0, 0, payload.toByteArray());
    }

    /** Opens stream {@code id} with a request's headers; {@code endStream} when it has no body. */
    public void request(int id, String method, String path, boolean endStream, String... headers) throws IOException {
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        literal(block, ":method", method);
        literal(block, ":scheme", "http");
        literal(block, ":authority", "localhost");
        literal(block, ":path", path);
        for (int i = 0; i < headers.length; i += 2) {
            literal(block, headers[i], headers[i + 1]);
        }
        frame(HEADERS, END_HEADERS | (endStream ? END_STREAM : 0), id, block.toByteArray());
    }

    /** Sends some of a request's body on stream {@code id}. */
    public void data(int id, byte[] bytes, boolean endStream) throws IOException {
        frame(DATA, endStream ? END_STREAM : 0, id, bytes);
    }

    /** Resets stream {@code id}, as a client that gives up on its request does. */
    public void reset(int id, int errorCode) throws IOException {
        frame(RST_STREAM, 0, id, new byte[] {
            (byte) (errorCode >> 24), (byte) (errorCode >> 16), (byte) (errorCode >> 8), (byte) errorCode
        });
    }

    /** The server's next frame; its SETTINGS and PINGs are acknowledged on the way, as any client must. */
    public Frame next() throws IOException {
        while (true) {
            int length = (in.readUnsignedByte() << 16) | (in.readUnsignedByte() << 8) | in.readUnsignedByte();
            int type = in.readUnsignedByte();
            int flags = in.readUnsignedByte();
            int stream = in.readInt() & 0x7fffffff;
            byte[] payload = new byte[length];
            in.readFully(payload);
            if (type == SETTINGS && (flags & 0x1) == 0) {
                for (int at = 0; at + 6 <= payload.length; at += 6) {
                    serverSettings.put(
                            ((payload[at] & 0xff) << 8) | (payload[at + 1] & 0xff),
                            java.nio.ByteBuffer.wrap(payload, at + 2, 4).getInt());
                }
                frame(SETTINGS, 0x1, 0, new byte[0]);
            } else if (type == PING && (flags & 0x1) == 0) {
                frame(PING, 0x1, 0, payload);
            } else {
                return new Frame(type, flags, stream, payload);
            }
        }
    }

    /** What the server's SETTINGS frames read by {@link #next()} said, identifier to value. */
    public Map<Integer, Integer> serverSettings() {
        return Map.copyOf(serverSettings);
    }

    private synchronized void frame(int type, int flags, int stream, byte[] payload) throws IOException {
        byte[] head = {
            (byte) (payload.length >> 16),
            (byte) (payload.length >> 8),
            (byte) payload.length,
            (byte) type,
            (byte) flags,
            (byte) (stream >> 24),
            (byte) (stream >> 16),
            (byte) (stream >> 8),
            (byte) stream
        };
        out.write(head);
        out.write(payload);
        out.flush();
    }

    /** A header as an HPACK literal without indexing, its name and value as plain octets (each under 127). */
    private static void literal(ByteArrayOutputStream block, String name, String value) {
        block.write(0);
        for (String part : new String[] {name, value}) {
            byte[] bytes = part.getBytes(StandardCharsets.US_ASCII);
            block.write(bytes.length);
            block.writeBytes(bytes);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
