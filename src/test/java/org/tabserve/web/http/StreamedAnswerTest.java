package org.tabserve.web.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tabserve.rows.RowFormat;
import org.tabserve.testing.BankNotes;
import org.tabserve.testing.Http;
import org.tabserve.testing.Multipart;
import org.tabserve.testing.RawFraming;

/**
 * Answers written while they are computed are framed in chunks on HTTP/1.1 even when the connection is to close (as
 * Jetty closes every one during a graceful stop): an answer cut by the stop timeout then fails at the client instead
 * of reading as a shorter, complete table. Before, a {@code Connection: close} request's CSV answer was ended by
 * closing the connection, and GracefulShutdownIT on a loaded machine read a 200 cut mid-row.
 */
class StreamedAnswerTest {

    @RegisterExtension
    static final Http http = Http.sharingTheApp();

    /** The head and the body of one answer, read to the connection's end. */
    private record Raw(String head, byte[] body) {
        boolean chunked() {
            return head.toLowerCase(Locale.ROOT).contains("\r\ntransfer-encoding: chunked\r\n");
        }

        /** The body with its chunks joined, failing on a body that does not end with the last chunk. */
        String dechunked() {
            ByteArrayOutputStream joined = new ByteArrayOutputStream();
            int at = 0;
            while (true) {
                int eol = indexOf(body, at);
                assertTrue(eol > at, "a chunk's size line at " + at);
                int size = Integer.parseInt(new String(body, at, eol - at, StandardCharsets.US_ASCII).strip(), 16);
                at = eol + 2;
                if (size == 0) {
                    return joined.toString(StandardCharsets.UTF_8);
                }
                joined.write(body, at, size);
                at += size + 2;
            }
        }

        private static int indexOf(byte[] bytes, int from) {
            for (int i = from; i + 1 < bytes.length; i++) {
                if (bytes[i] == '\r' && bytes[i + 1] == '\n') {
                    return i;
                }
            }
            return -1;
        }
    }

    private static Raw exchange(String version, String path, String contentType, String accept, byte[] body)
            throws IOException {
        int port = http.uri("/").getPort();
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            String head = "POST " + path + " " + version + "\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                    + "Content-Type: " + contentType + "\r\nAccept: " + accept + "\r\nContent-Length: " + body.length
                    + "\r\n\r\n";
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(body);
            socket.getOutputStream().flush();
            byte[] all;
            try (InputStream in = socket.getInputStream()) {
                all = in.readAllBytes();
            }
            String text = new String(all, StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            assertTrue(end > 0, text);
            byte[] rest = new byte[all.length - end - 4];
            System.arraycopy(all, end + 4, rest, 0, rest.length);
            return new Raw(text.substring(0, end + 2), rest);
        }
    }

    private static Multipart upload() throws IOException {
        return Multipart.csv(Files.readAllBytes(BankNotes.DATA));
    }

    @Test
    void anUploadsCsvAnswerOnAClosingConnectionIsChunkedAndEndsWithItsLastChunk() throws IOException {
        Multipart upload = upload();
        Raw raw = exchange("HTTP/1.1", "/predict_file", upload.contentType(), "text/csv", upload.bytes());
        assertTrue(raw.head().startsWith("HTTP/1.1 200"), raw.head());
        assertTrue(raw.head().contains("Connection: close"), raw.head());
        assertTrue(raw.chunked(), raw.head());
        long rows = raw.dechunked().lines().count();
        assertEquals(Files.readAllLines(BankNotes.DATA).size(), rows, "the header and every row");
    }

    @Test
    void anUploadsJsonAnswerOnAClosingConnectionIsChunked() throws IOException {
        Multipart upload = upload();
        Raw raw = exchange("HTTP/1.1", "/predict_file", upload.contentType(), "application/json", upload.bytes());
        assertTrue(raw.head().startsWith("HTTP/1.1 200"), raw.head());
        assertTrue(raw.chunked(), raw.head());
        assertEquals(
                Files.readAllLines(BankNotes.DATA).size() - 1,
                Http.JSON.readTree(raw.dechunked()).path("predictions").size());
    }

    @Test
    void anInvocationsArrowTableOnAClosingConnectionIsChunked() throws IOException {
        byte[] csv = Files.readAllBytes(BankNotes.DATA);
        Raw raw = exchange("HTTP/1.1", "/invocations", "text/csv", RowFormat.ARROW.mediaType(), csv);
        assertTrue(raw.head().startsWith("HTTP/1.1 200"), raw.head());
        assertTrue(raw.chunked(), raw.head());
        assertFalse(raw.dechunked().isEmpty());
    }

    @Test
    void anHttp10ClientGetsItsAnswerUnchunkedAndWhole() throws IOException {
        Multipart upload = upload();
        Raw raw = exchange("HTTP/1.0", "/predict_file", upload.contentType(), "text/csv", upload.bytes());
        assertTrue(raw.head().contains(" 200 "), raw.head());
        assertFalse(raw.chunked(), raw.head());
        assertEquals(
                Files.readAllLines(BankNotes.DATA).size(),
                new String(raw.body(), StandardCharsets.UTF_8).lines().count());
    }

    /**
     * Issue 76, on embedded Jetty (the deployment suite, DeploymentChecks, checks Tomcat 10.1 and 11 the same way): on a connection
     * kept open, each streamed answer, small or large, as CSV, JSON or Arrow, carries exactly one of Content-Length and
     * Transfer-Encoding, its body is framed as that header says, and the next answer starts right after it.
     */
    @Test
    void everyStreamedAnswerIsFramedByExactlyOneHeaderOnAKeptConnection() throws IOException {
        byte[] large = Files.readAllBytes(BankNotes.DATA);
        byte[] small = "variance,skewness,curtosis,entropy\n3.6216,8.6661,-2.8073,-0.44699\n"
                .getBytes(StandardCharsets.US_ASCII);
        for (byte[] csv : java.util.List.of(small, large)) {
            long rows = new String(csv, StandardCharsets.US_ASCII).lines().count() - 1;
            Multipart upload = Multipart.csv(csv);
            byte[] body = upload.bytes();
            for (String accept : java.util.List.of("text/csv", "application/json")) {
                RawFraming.Answer answer = RawFraming.exchange(
                        http.uri("/"), head("/predict_file", upload.contentType(), accept, body), body);
                assertTrue(answer.statusLine().startsWith("HTTP/1.1 200"), answer.statusLine());
                long answered = accept.equals("text/csv")
                        ? answer.text().lines().count() - 1
                        : Http.JSON.readTree(answer.text()).path("predictions").size();
                assertEquals(rows, answered, accept + ": " + answer.headers());
            }
            RawFraming.Answer arrow = RawFraming.exchange(
                    http.uri("/"), head("/invocations", "text/csv", RowFormat.ARROW.mediaType(), csv), csv);
            assertTrue(arrow.statusLine().startsWith("HTTP/1.1 200"), arrow.statusLine());
            assertTrue(arrow.body().length > 0);
        }
    }

    private static String head(String path, String contentType, String accept, byte[] body) {
        return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + contentType + "\r\nAccept: " + accept
                + "\r\nContent-Length: " + body.length + "\r\n\r\n";
    }
}
