package org.tabserve.web.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.tabserve.launcher.TabserveServer;
import org.tabserve.testing.BankNotes;
import org.tabserve.testing.Http;
import org.tabserve.testing.KeyDigests;

/**
 * A Redis that trickles its replies ({@code --shared-state} pointed at a peer of the test's own that takes every
 * command and answers each connection with a RESP simple string a byte every 200 ms, never ending it): each byte
 * comes within any per-read timeout, so only a total deadline ends a call. With {@code tabserve.redis-deadline} at
 * 300 ms, the server starts (its Redis client asks for the protocol as it is built, under the deadline too: it once
 * hung the start), a label is refused in words (503, naming the setting) within seconds, never held for the trickle;
 * answers are served meanwhile; the calls abandoned are counted and their connections closed. A client with a rate
 * (issue 78, item 3) is answered from the replica's own bucket, each request held no longer than the deadline, and
 * refused only past that bucket, never for the store's sake.
 */
@Timeout(120)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class) // the label first: a store never failed before it
class TricklingRedisTest {

    private static final String TOKEN = "trickling-redis-feedback-token-0123456789";
    private static final String KEY = "trickling-redis-reader-key-0123456789abcd";
    private static final String METERED_KEY = "trickling-redis-metered-key-0123456789ab";

    static TricklingRedis redis;
    static TabserveServer server;
    static Http http;

    @BeforeAll
    static void start() throws IOException {
        redis = new TricklingRedis();
        java.nio.file.Path keys =
                java.nio.file.Files.createTempDirectory("trickling-redis").resolve("keys");
        java.nio.file.Files.write(
                keys,
                List.of(
                        "reader   predict,read,metrics  " + KeyDigests.sha256(KEY),
                        "metered  predict               " + KeyDigests.sha256(METERED_KEY) + "  3/h"));
        java.nio.file.Files.setPosixFilePermissions(
                keys, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        server = TabserveServer.startReady(
                Map.of("TABSERVE_REDIS_DEADLINE", "300ms"),
                "--shared-state",
                "redis://127.0.0.1:" + redis.port(),
                "--feedback-token",
                TOKEN,
                "--api-keys",
                keys.toString());
        http = new Http(server);
    }

    @AfterAll
    static void stop() throws IOException {
        if (server != null) {
            server.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    @Order(1)
    void aLabelIsRefusedInWordsAtTheDeadlineAndAnswersAreServed() throws Exception {
        long started = System.nanoTime();
        Http.Response refused = http.post(
                "/api/feedback",
                "application/json",
                "{\"request_id\":\"r-1\",\"label\":\"genuine\",\"client\":\"reader\"}".getBytes(StandardCharsets.UTF_8),
                "Authorization",
                "Bearer " + TOKEN);
        long took = System.nanoTime() - started;
        JsonNode problem = refused.problem(503);
        String detail = problem.path("detail").asText();
        assertTrue(
                detail.contains("shared store")
                        && detail.contains("took longer than 300 ms in all (tabserve.redis-deadline)"),
                detail);
        // The trickle never ends: only the deadline ended the call (seconds of margin for a loaded machine).
        assertTrue(took < Duration.ofSeconds(10).toNanos(), "the label waited " + took / 1_000_000 + " ms");
        assertTrue(redis.connections.get() >= 1, "the label went to the trickling Redis");

        List<BankNotes.Note> notes = BankNotes.mixed(20);
        for (BankNotes.Note note : notes) {
            assertEquals(200, predict(KEY, note).status());
        }
        assertEquals(
                200,
                http.get("/api/models", "Authorization", "Bearer " + KEY).status(),
                "the figures fall back to this replica's");

        assertTrue(abandoned() >= 1, "the call abandoned is counted");
        // Its connection was closed by the server, not left to the trickle: the peer's writes fail.
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (redis.closedByClient.get() < 1) {
            assertTrue(System.nanoTime() < deadline, "the abandoned connection was never closed");
            Thread.sleep(50);
        }
    }

    @Test
    @Order(2)
    void aRatedClientIsAnsweredFromTheReplicasOwnBucketWithinTheDeadlineAndRefusedOnlyPastIt() {
        List<Integer> statuses = new java.util.ArrayList<>();
        for (BankNotes.Note note : BankNotes.mixed(6)) {
            long began = System.nanoTime();
            statuses.add(predict(METERED_KEY, note).status());
            long took = System.nanoTime() - began;
            assertTrue(took < Duration.ofSeconds(5).toNanos(), "held " + took / 1_000_000 + " ms, not the trickle");
        }
        assertEquals(List.of(200, 200, 200, 429, 429, 429), statuses, "the replica's own 3/h, never none");
        assertEquals(6, series("tabserve_client_rate_local_takes_total"), "each counted");
        assertEquals(3, series("tabserve_client_rate_limited_total\\{client=\"metered\"}"), "past its own bucket");
    }

    private static Http.Response predict(String key, BankNotes.Note note) {
        return http.post(
                "/api/predict",
                "application/json",
                note.json().toString().getBytes(StandardCharsets.UTF_8),
                "Authorization",
                "Bearer " + key);
    }

    private static double abandoned() {
        return series("tabserve_outbound_reads_abandoned_total\\{read=\"redis\"}");
    }

    private static double series(String series) {
        Matcher m = Pattern.compile("(?m)^" + series + " ([0-9.eE+]+)$")
                .matcher(http.get("/metrics", "Authorization", "Bearer " + KEY).text());
        assertTrue(m.find(), series + " is a series");
        return Double.parseDouble(m.group(1));
    }

    /**
     * A peer that speaks just enough RESP to hold a client: reads whatever it is sent, and answers each connection
     * with {@code +} and then an {@code O} every 200 ms, never the line's end; counts the connections the client
     * closed (a write that fails).
     */
    static final class TricklingRedis implements AutoCloseable {

        final ServerSocket listening = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final AtomicInteger connections = new AtomicInteger();
        final AtomicInteger closedByClient = new AtomicInteger();
        private volatile boolean closed;

        TricklingRedis() throws IOException {
            Thread accepting = new Thread(this::accept, "trickling-redis");
            accepting.setDaemon(true);
            accepting.start();
        }

        int port() {
            return listening.getLocalPort();
        }

        private void accept() {
            while (!closed) {
                try {
                    Socket socket = listening.accept();
                    connections.incrementAndGet();
                    Thread reading = new Thread(() -> drain(socket), "trickling-redis-read");
                    reading.setDaemon(true);
                    reading.start();
                    Thread writing = new Thread(() -> trickle(socket), "trickling-redis-write");
                    writing.setDaemon(true);
                    writing.start();
                } catch (IOException e) {
                    return;
                }
            }
        }

        private static void drain(Socket socket) {
            byte[] buffer = new byte[8192];
            try (InputStream in = socket.getInputStream()) {
                while (in.read(buffer) >= 0) {
                    // the commands are taken and never answered in full
                }
            } catch (IOException ignored) {
                // closed
            }
        }

        private void trickle(Socket socket) {
            try (socket) {
                OutputStream out = socket.getOutputStream();
                out.write('+');
                while (!closed) {
                    Thread.sleep(200);
                    out.write('O');
                    out.flush();
                }
            } catch (IOException e) {
                closedByClient.incrementAndGet();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() throws IOException {
            closed = true;
            listening.close();
        }
    }
}
