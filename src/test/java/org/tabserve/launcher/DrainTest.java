package org.tabserve.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import inference.GRPCInferenceServiceGrpc;
import inference.ServerReadyRequest;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.tabserve.testing.GrpcWire;
import org.tabserve.testing.Http;

/**
 * The drain before a stop ({@link Drain}), on the real web app in this JVM: the signal is handed to the drain as
 * {@code main}'s signal handler hands it, and readiness is asked over REST (both routes) and gRPC (StopSignalsTest raises real signals; RollingRestartIT sends SIGTERM to the
 * WAR behind HAProxy).
 */
class DrainTest {

    private static final String ROW = "{\"variance\": 3.6, \"skewness\": 8.6, \"curtosis\": -2.8, \"entropy\": -0.44}";

    @Test
    void sigtermTurnsBothReadinessRoutesTo503AtOnceWhileRequestsAreStillAnsweredAndASecondSignalStopsNow()
            throws Exception {
        TabserveServer server = TabserveServer.startReady("--drain-seconds", "600");
        ManagedChannel channel = GrpcWire.channelTo(server);
        try {
            Http http = new Http(server);
            var grpc = GRPCInferenceServiceGrpc.newBlockingStub(channel);
            assertEquals(200, http.get("/health/ready").status());
            assertTrue(grpc.serverReady(ServerReadyRequest.getDefaultInstance()).getReady());
            assertEquals(null, headersOfAnHttp11Request(server).get("connection"), "kept alive before the drain");
            CountDownLatch stopped = new CountDownLatch(1);

            String said = server.drain().onSignal("TERM", stopped::countDown);

            assertTrue(said.contains("600 s"), said);
            String detail =
                    http.get("/health/ready").problem(503).path("detail").asText();
            assertTrue(detail.contains("--drain-seconds"), detail);
            Http.Response v2 = http.get("/v2/health/ready");
            assertEquals(503, v2.status());
            assertEquals("{\"ready\":false}", v2.text());
            assertFalse(
                    grpc.serverReady(ServerReadyRequest.getDefaultInstance()).getReady(), "gRPC's ServerReady");
            assertEquals(200, http.postJson("/api/predict", ROW).status(), "still serving while it drains");
            assertEquals(200, http.get("/health/live").status(), "alive while it drains");
            assertEquals(
                    "close",
                    headersOfAnHttp11Request(server).get("connection"),
                    "HTTP/1.1 clients are asked to close their kept-alive connections");
            assertEquals(1, stopped.getCount(), "the window is 600 s: no stop yet");

            server.drain().onSignal("TERM", stopped::countDown);

            assertTrue(stopped.await(10, TimeUnit.SECONDS), "a second signal stops at once");
        } finally {
            GrpcWire.close(channel, server);
        }
    }

    /** Sends {@code GET /health/live} over HTTP/1.1 on a connection of its own: the answer's headers, names lower-cased. */
    private static java.util.Map<String, String> headersOfAnHttp11Request(TabserveServer server) throws Exception {
        try (java.net.Socket socket =
                new java.net.Socket(server.uri().getHost(), server.uri().getPort())) {
            socket.getOutputStream()
                    .write("GET /health/live HTTP/1.1\r\nHost: localhost\r\n\r\n"
                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            java.io.BufferedReader in = new java.io.BufferedReader(
                    new java.io.InputStreamReader(socket.getInputStream(), java.nio.charset.StandardCharsets.US_ASCII));
            java.util.Map<String, String> headers = new java.util.HashMap<>();
            in.readLine(); // the status line
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                int colon = line.indexOf(':');
                headers.put(
                        line.substring(0, colon).strip().toLowerCase(java.util.Locale.ROOT),
                        line.substring(colon + 1).strip());
            }
            return headers;
        }
    }

    @Test
    void sigintStopsAtOnceWithoutDraining() throws Exception {
        Drain drain = new Drain(Duration.ofSeconds(600));
        CountDownLatch stopped = new CountDownLatch(1);
        assertEquals("SIGINT: stopping (a second signal exits at once)", drain.onSignal("INT", stopped::countDown));
        assertTrue(stopped.await(10, TimeUnit.SECONDS), "Ctrl-C does not wait for the drain window");
        assertFalse(drain.flag().get(), "readiness is not turned off for a stop that does not drain");
    }

    @Test
    void aWindowOfZeroStopsAtOnceOnSigterm() throws Exception {
        Drain drain = new Drain(Duration.ZERO);
        CountDownLatch stopped = new CountDownLatch(1);
        assertEquals("SIGTERM: stopping (a second signal exits at once)", drain.onSignal("TERM", stopped::countDown));
        assertTrue(stopped.await(10, TimeUnit.SECONDS));
    }

    @Test
    void theStopRunsOnceAndASignalDuringItExitsAtOnceWithTheSignalsStatus() throws Exception {
        java.util.concurrent.BlockingQueue<Integer> exits = new java.util.concurrent.LinkedBlockingQueue<>();
        java.util.List<String> said = new java.util.concurrent.CopyOnWriteArrayList<>();
        Drain drain = new Drain(Duration.ZERO, (line, status) -> {
            said.add(line);
            exits.add(status);
        });
        java.util.concurrent.atomic.AtomicInteger stops = new java.util.concurrent.atomic.AtomicInteger();
        CountDownLatch first = new CountDownLatch(1);
        drain.onSignal("TERM", () -> {
            stops.incrementAndGet();
            first.countDown();
        });
        assertTrue(first.await(10, TimeUnit.SECONDS));
        assertEquals(null, drain.onSignal("INT", stops::incrementAndGet), "the exit says its line itself");
        assertEquals(130, exits.poll(10, TimeUnit.SECONDS));
        assertTrue(said.get(0).startsWith("SIGINT during the stop: exiting now"), said::toString);
        drain.onSignal("TERM", stops::incrementAndGet);
        assertEquals(143, exits.poll(10, TimeUnit.SECONDS));
        assertEquals(1, stops.get());
    }

    /**
     * A stop the first JVM passes on ({@link FirstJvmStop}) drains as the first SIGTERM does, and changes nothing when
     * the second JVM got the same SIGTERM itself first (systemd signals every process of a service): it is no second
     * signal that would cut the drain short.
     */
    @Test
    void aStopPassedOnDrainsOnceAndIsNoSecondSignal() throws Exception {
        Drain drain = new Drain(Duration.ofSeconds(600), (line, status) -> {
            throw new AssertionError("exited: " + line);
        });
        CountDownLatch stopped = new CountDownLatch(1);
        String said = drain.onPassedOnStop(stopped::countDown);
        assertTrue(said.contains("600 s"), said);
        assertTrue(drain.flag().get(), "draining");

        assertEquals(null, drain.onPassedOnStop(stopped::countDown));
        Drain signalled = new Drain(Duration.ofSeconds(600), (line, status) -> {
            throw new AssertionError("exited: " + line);
        });
        signalled.onSignal("TERM", stopped::countDown);
        assertEquals(null, signalled.onPassedOnStop(stopped::countDown), "the same SIGTERM, passed on");
        assertEquals(1, stopped.getCount(), "still draining: no stop yet");
    }
}
