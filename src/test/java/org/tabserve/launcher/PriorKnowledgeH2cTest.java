package org.tabserve.launcher;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tabserve.testing.Http;

/**
 * The launcher's connector speaks HTTP/2 cleartext only to clients that start with it (OpenInferenceGrpcTest's gRPC
 * channel): the JDK HttpClient, which by default asks an http:// server to upgrade to h2c, stays on HTTP/1.1, with or
 * without a body; and only a connection's first bytes may choose HTTP/2, never a preface after an HTTP/1.1 request.
 */
class PriorKnowledgeH2cTest {

    /** The test JVM's one server of the bundled model: this class only reads from it. */
    @RegisterExtension
    static final Http http = Http.sharingTheApp();

    @Test
    void anUpgradeRequestStaysHttp11() throws Exception {
        HttpClient client =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        HttpResponse<String> get = client.send(
                HttpRequest.newBuilder(http.uri("/health/live")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, get.statusCode());
        assertEquals(HttpClient.Version.HTTP_1_1, get.version());
        HttpResponse<String> post = client.send(
                HttpRequest.newBuilder(http.uri("/v2/models/nope/infer"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(404, post.statusCode());
        assertEquals(HttpClient.Version.HTTP_1_1, post.version());
    }

    @Test
    void aPrefaceAfterAKeptAliveRequestIsNotHttp2() throws Exception {
        try (Socket socket = new Socket(http.uri("/").getHost(), http.uri("/").getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write("GET /health/live HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(US_ASCII));
            out.flush();
            String first = response(in);
            assertTrue(first.startsWith("HTTP/1.1 200 "), first);
            // HTTP/2's connection preface and an empty SETTINGS frame, on the kept-alive HTTP/1.1 connection.
            out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(US_ASCII));
            out.write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0});
            out.flush();
            byte[] start = in.readNBytes(12);
            String answer = new String(start, US_ASCII);
            assertTrue(
                    answer.matches("HTTP/1.1 4\\d\\d"),
                    () -> "an HTTP/1.1 refusal, not HTTP/2 frames: "
                            + java.util.HexFormat.of().formatHex(start) + " (" + answer + ")");
        }
    }

    /** One HTTP/1.1 answer's head and its Content-Length body. */
    private static String response(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the connection closed after " + head.toString(US_ASCII));
            }
            head.write(b);
        }
        String text = head.toString(US_ASCII);
        java.util.regex.Matcher length =
                java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(text);
        return text + (length.find() ? new String(in.readNBytes(Integer.parseInt(length.group(1))), US_ASCII) : "");
    }
}
