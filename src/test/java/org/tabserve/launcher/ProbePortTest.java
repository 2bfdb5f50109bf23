package org.tabserve.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code --probe-port}: a port that answers {@code /health/live} and {@code /health/ready} as the main port does, on
 * an acceptor, a selector and a small pool of its own that no client of the main port keeps busy, and answers 404 to
 * every other path, so that it serves nothing else.
 */
class ProbePortTest {

    private static final String PROBE =
            "GET /health/live HTTP/1.1\r\nHost: localhost\r\nUser-Agent: kube-probe/1.30\r\n"
                    + "Connection: close\r\n\r\n";

    private static TabserveServer server;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    @BeforeAll
    static void start() {
        server = TabserveServer.startReady("--probe-port", "0", "--idle-timeout", "2");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static URI probePort(String path) {
        return URI.create("http://" + server.uri().getHost() + ":" + server.probePort() + path);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theReadyLineNamesThePortAndItsProbesAnswerAsTheMainPortsDo() throws Exception {
        assertTrue(
                server.probePort() > 0 && server.probePort() != server.uri().getPort(), "port " + server.probePort());
        assertTrue(
                server.output().stream()
                        .anyMatch(l -> l.startsWith("tabserve: serving ")
                                && l.endsWith(", health probes on port " + server.probePort())),
                server.output()::toString);
        for (String path : new String[] {"/health/live", "/health/ready"}) {
            HttpResponse<String> there = send(HttpRequest.newBuilder(probePort(path)));
            HttpResponse<String> main = send(HttpRequest.newBuilder(server.uri(path)));
            assertEquals(200, there.statusCode(), there::body);
            assertEquals(main.body(), there.body());
            assertEquals(
                    main.headers().firstValue("content-security-policy"),
                    there.headers().firstValue("content-security-policy"));
        }
    }

    @Test
    void everyOtherPathIsNotFoundThereSayingWhatThePortIsFor() throws Exception {
        HttpResponse<String> models = send(HttpRequest.newBuilder(probePort("/api/models")));
        assertEquals(404, models.statusCode(), models::body);
        assertTrue(models.body().contains("/health/live") && models.body().contains("--probe-port"), models.body());
        HttpResponse<String> predict = send(HttpRequest.newBuilder(probePort("/api/predict"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"variance\": 3.6, \"skewness\": 8.6, " + "\"curtosis\": -2.8, \"entropy\": -0.44}")));
        assertEquals(404, predict.statusCode(), predict::body);
        assertEquals(
                200, send(HttpRequest.newBuilder(server.uri("/api/models"))).statusCode(), "the main port serves it");
    }

    /**
     * Every thread of the server's shared pool held, reserved ones too, as under overload: a probe on the probe port
     * is answered all the same, while one on the main port waits for a thread (and is answered once one is free).
     */
    @Test
    void aProbeThereIsAnsweredWhileEveryThreadOfTheSharedPoolIsHeld() throws Exception {
        QueuedThreadPool pool = (QueuedThreadPool) server.jetty().getThreadPool();
        CountDownLatch release = new CountDownLatch(1);
        Runnable hold = () -> {
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        try (AutoCloseable released = release::countDown) {
            while (pool.tryExecute(hold)) {
                Thread.sleep(10); // a reserved thread takes it; the pool reserves another while it can
            }
            for (int i = 0; i < pool.getMaxThreads(); i++) {
                pool.execute(hold);
            }
            Socket main = new Socket(server.uri().getHost(), server.uri().getPort());
            main.getOutputStream().write(PROBE.getBytes(StandardCharsets.US_ASCII));
            try (Socket probe = new Socket(server.uri().getHost(), server.probePort())) {
                probe.setSoTimeout(10_000);
                probe.getOutputStream().write(PROBE.getBytes(StandardCharsets.US_ASCII));
                assertEquals(
                        "HTTP/1.1 200", new String(probe.getInputStream().readNBytes(12), StandardCharsets.US_ASCII));
            }
            main.setSoTimeout(1_000);
            assertThrows(
                    SocketTimeoutException.class,
                    () -> main.getInputStream().read(),
                    "the main port waits: every thread of its pool is held");
            release.countDown();
            main.setSoTimeout(10_000);
            assertEquals(
                    "HTTP/1.1 200",
                    new String(main.getInputStream().readNBytes(12), StandardCharsets.US_ASCII),
                    "answered once a thread is free");
            main.close();
        }
    }

    /**
     * The port's bounds are the main port's: headers past {@code --max-header-bytes} are 431, a silent connection is
     * closed at the idle timeout, and more half-sent requests than the port has threads hold none of them, so that
     * the next probe is answered.
     */
    @Test
    void hostileClientsThereMeetTheMainPortsBoundsAndHoldNoThread() throws Exception {
        try (Socket big = new Socket(server.uri().getHost(), server.probePort())) {
            big.setSoTimeout(10_000);
            big.getOutputStream()
                    .write(("GET /health/live HTTP/1.1\r\nHost: localhost\r\nX-Pad: " + "a".repeat(9_000) + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            assertEquals("HTTP/1.1 431", new String(big.getInputStream().readNBytes(12), StandardCharsets.US_ASCII));
        }
        java.util.List<Socket> halfSent = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 4 * ServerPorts.PROBE_THREADS; i++) {
                Socket socket = new Socket(server.uri().getHost(), server.probePort());
                socket.getOutputStream()
                        .write("GET /health/live HTTP/1.1\r\nHost: loc".getBytes(StandardCharsets.US_ASCII));
                halfSent.add(socket);
            }
            try (Socket probe = new Socket(server.uri().getHost(), server.probePort())) {
                probe.setSoTimeout(10_000);
                probe.getOutputStream().write(PROBE.getBytes(StandardCharsets.US_ASCII));
                assertEquals(
                        "HTTP/1.1 200", new String(probe.getInputStream().readNBytes(12), StandardCharsets.US_ASCII));
            }
            Socket silent = halfSent.get(0);
            silent.setSoTimeout(15_000);
            long start = System.nanoTime();
            byte[] rest = silent.getInputStream().readAllBytes(); // ends when the server closes it
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
            assertTrue(
                    seconds < 12,
                    "closed at the idle timeout (2 s) or the header deadline, not after " + seconds + " s: "
                            + new String(rest, StandardCharsets.US_ASCII));
        } finally {
            for (Socket socket : halfSent) {
                socket.close();
            }
        }
    }

    @Test
    void itRunsOnAnAcceptorASelectorAndAPoolOfItsOwn() {
        Server jetty = server.jetty();
        ServerConnector probes = ServerPorts.named(jetty, ServerPorts.PROBES).orElseThrow();
        assertNotSame(jetty.getThreadPool(), probes.getExecutor());
        QueuedThreadPool threads = (QueuedThreadPool) probes.getExecutor();
        assertEquals(ServerPorts.PROBE_THREADS, threads.getMaxThreads());
        assertEquals(0, threads.getReservedThreads());
        assertEquals(1, probes.getAcceptors());
        assertEquals(1, probes.getSelectorManager().getSelectorCount());
    }
}
