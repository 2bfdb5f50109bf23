package org.tabserve.outbound;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tabserve.testing.TricklingProxy;

/** The one bound on reads from outside, against a real server whose answers a proxy of the test's trickles. */
class ReadBoundTest {

    private static final byte[] BODY = new byte[200];
    private static HttpServer server;
    private static TricklingProxy proxy;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws IOException {
        Arrays.fill(BODY, (byte) 'x');
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, BODY.length);
            exchange.getResponseBody().write(BODY);
            exchange.close();
        });
        server.createContext("/late", exchange -> {
            try {
                Thread.sleep(1500); // a head that comes late, then the body at once
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(200, BODY.length);
            exchange.getResponseBody().write(BODY);
            exchange.close();
        });
        server.start();
        proxy = TricklingProxy.to(
                URI.create("http://127.0.0.1:" + server.getAddress().getPort()));
        proxy.slow(line -> line.contains("/slow"), 10);
    }

    @AfterAll
    static void stop() throws IOException {
        proxy.close();
        server.stop(0);
    }

    private static ReadBound bound(Duration deadline, long rate) {
        return new ReadBound(
                "the test's document", deadline, "test.deadline", rate, "test.rate", Duration.ofSeconds(1));
    }

    private static byte[] get(ReadBound bound, String path) throws Exception {
        try (OutboundRead read = bound.begin()) {
            HttpRequest request =
                    HttpRequest.newBuilder(proxy.uri().resolve(path)).build();
            return ReadBound.await(read, HTTP.sendAsync(request, new BoundedBody(read, 1 << 20, "the document")))
                    .body();
        }
    }

    @Test
    void aReadThatKeepsItsRateAndDeadlineIsReadWhole() throws Exception {
        ReadBound bound = bound(Duration.ofSeconds(5), 1024);
        assertArrayEquals(BODY, get(bound, "/fast"));
        assertEquals(0, bound.abandoned());
    }

    @Test
    void aHeadThatComesLateIsTheDeadlinesToJudgeNotTheRates() throws Exception {
        ReadBound bound = bound(Duration.ofSeconds(10), 1024); // 1.5 s of waiting for the head is past the 1 s grace
        assertArrayEquals(BODY, get(bound, "/late"));
        assertEquals(0, bound.abandoned());
    }

    @Test
    void aBodyThatTricklesIsAbandonedAtTheDeadlineNamingItsSetting() {
        ReadBound bound = bound(Duration.ofSeconds(1), 0); // no rate: the deadline alone (the body takes 20 s)
        long start = System.nanoTime();
        ReadAbandoned e = assertThrows(ReadAbandoned.class, () -> get(bound, "/slow"));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis < 6000, "abandoned at the 1 s deadline, not when the body ends (20 s): " + millis + " ms");
        assertTrue(e.getMessage().contains("took longer than 1 s in all (test.deadline)"), e.getMessage());
        assertEquals(1, bound.abandoned());
    }

    @Test
    void aBodyBelowTheRateIsAbandonedBeforeTheDeadline() {
        ReadBound bound = bound(Duration.ofSeconds(30), 100);
        long start = System.nanoTime();
        ReadAbandoned e = assertThrows(ReadAbandoned.class, () -> get(bound, "/slow"));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis < 6000, "abandoned soon after the 1 s grace (the body takes 20 s): " + millis + " ms");
        assertTrue(e.getMessage().contains("slower than the 100 of test.rate"), e.getMessage());
        assertEquals(1, bound.abandoned());
    }

    @Test
    void aPeerThatStopsSendingIsCutByTheWatchdog() throws Exception {
        ReadBound bound = bound(Duration.ofSeconds(1), 0);
        HttpServer silent = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        silent.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, 100);
            exchange.getResponseBody().write("half".getBytes(StandardCharsets.US_ASCII));
            exchange.getResponseBody().flush();
            // and nothing more, the connection kept open
        });
        silent.start();
        try (Socket socket = new Socket("127.0.0.1", silent.getAddress().getPort());
                OutboundRead read = bound.begin()) {
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            read.watch(() -> {
                try {
                    socket.close();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            InputStream body = read.body(socket.getInputStream());
            long start = System.nanoTime();
            ReadAbandoned e = assertThrows(ReadAbandoned.class, body::readAllBytes);
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis < 6000, "the blocked reader freed at the 1 s deadline: " + millis + " ms");
            assertTrue(e.getMessage().contains("test.deadline"), e.getMessage());
            assertTrue(read.wasAbandoned());
            assertEquals(1, bound.abandoned());
        } finally {
            silent.stop(0);
        }
    }

    @Test
    void boundsNamedForAnotherReadShareTheCount() {
        ReadBound bound = bound(Duration.ofSeconds(1), 0);
        ReadBound other = bound.named("another document");
        assertThrows(ReadAbandoned.class, () -> get(other, "/slow"));
        assertEquals(1, bound.abandoned());
        assertFalse(other.what().equals(bound.what()));
    }
}
