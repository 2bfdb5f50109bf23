package org.tabserve.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.Test;

/** The main port's bounds on the shared pool: requests in hand never hold every thread a probe needs. */
class ServerPortsTest {

    private static final String BODY = "{\"variance\": 3.6, \"skewness\": 8.6, \"curtosis\": -2.8, \"entropy\": -0.44}";
    /** A request whose head has arrived and whose body has not: the app reads it before it takes a slot. */
    private static final String HEAD =
            "POST /api/predict HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n" + "Content-Length: "
                    + BODY.length() + "\r\n\r\n";

    /**
     * Issue 61, finding 10: more requests than the shared pool has threads, each holding one while its body fails to
     * arrive (never cut: no minimum rate, a long idle timeout), hold every request thread and fill the queue behind
     * them; a probe on {@code --port}, on a connection of its own as Kubernetes makes it, is answered all the same,
     * and the requests that waited are all handled once their bodies come. Before, the probe waited in the pool's
     * queue behind them for as long as they held.
     */
    @Test
    void aProbeOnTheMainPortIsAnsweredWhileSlowRequestsHoldEveryRequestThreadAndMoreWait() throws Exception {
        try (TabserveServer server = TabserveServer.startReady("--min-request-rate", "0", "--idle-timeout", "300");
                Held slow = new Held()) {
            QueuedThreadPool pool = (QueuedThreadPool) server.jetty().getThreadPool();
            String host = server.uri().getHost();
            int port = server.uri().getPort();
            for (int i = 0; i < pool.getMaxThreads() + 20; i++) {
                Socket socket = new Socket(host, port);
                socket.setSoTimeout(120_000);
                slow.sockets.add(socket);
                socket.getOutputStream().write(HEAD.getBytes(StandardCharsets.US_ASCII));
            }
            ServerPorts.Headroom bound = server.jetty().getDescendant(ServerPorts.Headroom.class);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!((bound != null && bound.waiting() > 0) || exhausted(pool))) {
                assertTrue(System.nanoTime() < deadline, "the slow requests never held every request thread: " + pool);
                Thread.sleep(10);
            }
            for (String path : new String[] {"/health/live", "/health/ready"}) {
                try (Socket probe = new Socket(host, port)) {
                    probe.setSoTimeout(60_000);
                    probe.getOutputStream()
                            .write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                                    .getBytes(StandardCharsets.US_ASCII));
                    assertEquals(
                            "HTTP/1.1 200",
                            new String(probe.getInputStream().readNBytes(12), StandardCharsets.US_ASCII),
                            path + " with every request thread held: " + pool);
                }
            }
            for (Socket socket : slow.sockets) {
                socket.getOutputStream().write(BODY.getBytes(StandardCharsets.US_ASCII));
            }
            for (Socket socket : slow.sockets) {
                String status = statusLine(socket.getInputStream());
                assertTrue(
                        status.equals("HTTP/1.1 200 OK") || status.startsWith("HTTP/1.1 503"),
                        "every request that waited is handled (or refused for want of a slot, as ever): " + status);
            }
        }
    }

    /** Every thread of the pool started and busy, and work waiting in its queue. */
    private static boolean exhausted(QueuedThreadPool pool) {
        return pool.getThreads() == pool.getMaxThreads() && pool.getIdleThreads() == 0 && pool.getQueueSize() > 0;
    }

    private static String statusLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != -1 && b != '\r'; b = in.read()) {
            line.append((char) b);
        }
        return line.toString();
    }

    /** Sockets closed at the end, however the test ends. */
    private static final class Held implements AutoCloseable {
        final List<Socket> sockets = new ArrayList<>();

        @Override
        public void close() throws IOException {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }
}
