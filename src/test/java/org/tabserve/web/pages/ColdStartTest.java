package org.tabserve.web.pages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tabserve.testing.Http;

/**
 * Issue 66, item 6: a fresh server's first requests, however slow, do not paint its model red on {@code /models}:
 * they are its warm-up (its first 10 after loading), counted but not timed into p50 and p99. Slow by construction,
 * not by chance: each of the two sends its body in pieces over more than a second, which the server's clock counts
 * (the page's red is a p99 of 1 s or more), so the test holds at any load and needs no clock of its own.
 */
class ColdStartTest {

    @RegisterExtension
    static final Http http = Http.startingTheApp();

    private static final String NOTE =
            "{\"variance\": 3.6216, \"skewness\": 8.6661, \"curtosis\": -2.8073, \"entropy\": -0.44699}";

    /** Posts a genuine note to {@code /api/predict}, its body in 8-byte pieces 150 ms apart: at least 1.2 s. */
    private static String slowPrediction() throws IOException, InterruptedException {
        byte[] body = NOTE.getBytes(StandardCharsets.US_ASCII);
        try (Socket socket = new Socket(http.uri("/").getHost(), http.uri("/").getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/predict HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                            + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            for (int at = 0; at < body.length; at += 8) {
                Thread.sleep(150);
                out.write(body, at, Math.min(8, body.length - at));
                out.flush();
            }
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    @Test
    void twoSlowFirstRequestsLeaveAFreshServersModelUnpainted() throws Exception {
        for (int i = 0; i < 2; i++) {
            String answer = slowPrediction();
            assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
        }
        JsonNode recent = http.get("/api/models").json().path("models").get(0).path("recent");
        assertEquals(2, recent.path("requests").asInt(), recent.toString());
        assertEquals(0, recent.path("timed").asInt(), "the warm-up is not timed: " + recent);
        assertTrue(recent.path("p99_ms").isNull(), recent.toString());

        Element card = http.get("/models").html().selectFirst("#models tbody[data-model]");
        assertFalse(card.hasClass("sev-bad"), card.className());
        assertFalse(card.hasClass("sev-warn"), card.className());
        assertEquals("–", card.selectFirst(".p99").text());
        assertEquals("2", card.selectFirst(".count-requests").text());
    }
}
