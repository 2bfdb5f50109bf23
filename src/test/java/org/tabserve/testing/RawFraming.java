package org.tabserve.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads HTTP/1.1 answers byte by byte off a raw socket and judges their framing strictly, as a proxy in front of the
 * server would: each answer must carry exactly one of {@code Content-Length} and {@code Transfer-Encoding: chunked}
 * and a body framed as that header says, so that the next answer starts exactly where this one's framing ends. An
 * HTTP client library would forgive (or hide) what this refuses.
 */
public final class RawFraming {

    /** One answer: its status line, its header lines as sent, and its body with any chunking removed. */
    public record Answer(String statusLine, List<String> headers, byte[] body) {

        /** @return every value of the header {@code name} (any case), in the order sent */
        public List<String> values(String name) {
            List<String> values = new ArrayList<>();
            for (String line : headers) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).strip().equalsIgnoreCase(name)) {
                    values.add(line.substring(colon + 1).strip());
                }
            }
            return values;
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private RawFraming() {}

    /**
     * Sends {@code first} and then a plain {@code GET /health/live} closing the connection on the same connection
     * (pipelined), reads everything the server sends until it closes, and parses both answers strictly by their
     * framing: the first answer's framing must end exactly where the second's status line begins, and the second's
     * exactly at the end of the bytes. Throws {@link AssertionError} naming what is wrong otherwise.
     */
    public static Answer exchange(URI base, String head, byte[] body) throws IOException {
        String follow = "GET /health/live HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
        byte[] all;
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().write(body);
            socket.getOutputStream().write(follow.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            try (InputStream in = socket.getInputStream()) {
                all = in.readAllBytes();
            }
        }
        int[] at = {0};
        Answer answer = parse(all, at);
        Answer next = parse(all, at);
        check(next.statusLine().startsWith("HTTP/1.1 200"), "the next answer on the connection: " + next, all);
        check(at[0] == all.length, (all.length - at[0]) + " bytes past the last answer's framing", all);
        return answer;
    }

    /** Parses one answer starting at {@code at[0]} and leaves {@code at[0]} just past its framing. */
    private static Answer parse(byte[] all, int[] at) {
        int end = indexOf(all, "\r\n\r\n", at[0]);
        check(end >= 0, "no end of the head at byte " + at[0], all);
        List<String> lines = List.of(new String(all, at[0], end - at[0], StandardCharsets.ISO_8859_1).split("\r\n"));
        Answer head = new Answer(lines.get(0), lines.subList(1, lines.size()), new byte[0]);
        check(head.statusLine().startsWith("HTTP/1.1 "), "not an HTTP/1.1 status line: " + head.statusLine(), all);
        List<String> lengths = head.values("Content-Length");
        List<String> encodings = head.values("Transfer-Encoding");
        check(
                lengths.size() + encodings.size() == 1,
                "exactly one of Content-Length and Transfer-Encoding, not " + lengths + " and " + encodings,
                all);
        at[0] = end + 4;
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (lengths.size() == 1) {
            int length = Integer.parseInt(lengths.get(0));
            check(at[0] + length <= all.length, "a Content-Length of " + length + " past the bytes sent", all);
            body.write(all, at[0], length);
            at[0] += length;
        } else {
            check(
                    encodings.get(0).toLowerCase(Locale.ROOT).equals("chunked"),
                    "a Transfer-Encoding other than chunked: " + encodings,
                    all);
            while (true) {
                int eol = indexOf(all, "\r\n", at[0]);
                check(eol > at[0], "no chunk size line at byte " + at[0], all);
                String sizeLine = new String(all, at[0], eol - at[0], StandardCharsets.ISO_8859_1);
                int size;
                try {
                    size = Integer.parseInt(sizeLine.split(";", 2)[0].strip(), 16);
                } catch (NumberFormatException notASize) {
                    throw new AssertionError("not a chunk size at byte " + at[0] + ": " + sizeLine);
                }
                at[0] = eol + 2;
                if (size == 0) {
                    int trailersEnd = indexOf(all, "\r\n", at[0]);
                    while (trailersEnd > at[0]) { // trailer fields, each on its line
                        at[0] = trailersEnd + 2;
                        trailersEnd = indexOf(all, "\r\n", at[0]);
                    }
                    check(trailersEnd == at[0], "no end of the last chunk at byte " + at[0], all);
                    at[0] += 2;
                    break;
                }
                check(at[0] + size + 2 <= all.length, "a chunk of " + size + " past the bytes sent", all);
                body.write(all, at[0], size);
                at[0] += size;
                check(all[at[0]] == '\r' && all[at[0] + 1] == '\n', "a chunk not ended by CRLF", all);
                at[0] += 2;
            }
        }
        return new Answer(head.statusLine(), head.headers(), body.toByteArray());
    }

    private static void check(boolean holds, String what, byte[] all) {
        if (!holds) {
            String shown = new String(all, 0, Math.min(all.length, 600), StandardCharsets.ISO_8859_1);
            throw new AssertionError(what + "; the bytes began:\n" + shown);
        }
    }

    private static int indexOf(byte[] bytes, String what, int from) {
        byte[] sought = what.getBytes(StandardCharsets.ISO_8859_1);
        outer:
        for (int i = from; i + sought.length <= bytes.length; i++) {
            for (int j = 0; j < sought.length; j++) {
                if (bytes[i + j] != sought[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
