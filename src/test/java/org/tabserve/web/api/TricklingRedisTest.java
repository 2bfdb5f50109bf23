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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.tabserve.launcher.TabserveServer;
import org.tabserve.testing.BankNotes;
import org.tabserve.testing.Http;

/**
 * A Redis that trickles its replies ({@code --shared-state} pointed at a peer of the test's own that takes every
 * command and answers each connection with a RESP simple string a byte every 200 ms, never ending it): each byte
 * comes within any per-read timeout, so only a total deadline ends a call. With {@code tabserve.redis-deadline} at
 * 300 ms, the server starts (its Redis client asks for the protocol as it is built, under the deadline too: it once
 * hung the start), a label is refused in words (503, naming the setting) within seconds, never held for the trickle;
 * answers are served meanwhile; the calls abandoned are counted and their connections closed.
 */
@Timeout(120)
class TricklingRedisTest {

    private static final String TOKEN = "trickling-redis-feedback-token-0123456789";

    static TricklingRedis redis;
    static TabserveServer server;
    static Http http;

    @BeforeAll
    static void start() throws IOException {
        redis = new TricklingRedis();
        server = TabserveServer.startReady(
                Map.of("TABSERVE_REDIS_DEADLINE", "300ms"),
                "--shared-state",
                "redis://127.0.0.1:" + redis.port(),
                "--feedback-token",
                TOKEN);
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
    void aLabelIsRefusedInWordsAtTheDeadlineAndAnswersAreServed() throws Exception {
        long started = System.nanoTime();
        Http.Response refused = http.post(
                "/api/feedback",
                "application/json",
                "{\"request_id\":\"r-1\",\"label\":\"genuine\"}".getBytes(StandardCharsets.UTF_8),
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
            assertEquals(
                    200, http.postJson("/api/predict", note.json().toString()).status());
        }
        assertEquals(200, http.get("/api/models").status(), "the figures fall back to this replica's");

        assertTrue(abandoned() >= 1, "the call abandoned is counted");
        // Its connection was closed by the server, not left to the trickle: the peer's writes fail.
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (redis.closedByClient.get() < 1) {
            assertTrue(System.nanoTime() < deadline, "the abandoned connection was never closed");
            Thread.sleep(50);
        }
    }

    private static double abandoned() {
        Matcher m = Pattern.compile("(?m)^tabserve_outbound_reads_abandoned_total\\{read=\"redis\"} ([0-9.eE+]+)$")
                .matcher(http.get("/metrics").text());
        assertTrue(m.find(), "the abandoned calls are a series");
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
