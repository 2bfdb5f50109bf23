package org.tabserve.launcher.stop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real Jetty server's stop with an answer the kernel still holds for a client that reads slowly: the stop ends once
 * the client has it all, however long it reads while it goes on reading; for a client that never reads (its window
 * shut), after the patience since the stop was asked, not at the stop timeout, and at the stop timeout when that is
 * shorter.
 */
class DeliveredBeforeExitTest {

    /** An answer the server's send buffer takes whole, and the client's small window does not. */
    private static final int ANSWER_BYTES = 256 << 10;

    @BeforeAll
    static void onLinux() {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                Files.isReadable(Path.of("/proc/self/net/tcp")), "the send queues are read from Linux's /proc");
    }

    @Test
    void theStopEndsOnceTheClientHasReceivedTheWholeAnswer() throws Exception {
        Server server = server(30_000);
        try (Socket client = answeredClient(server)) {
            CompletableFuture<Void> stop = CompletableFuture.runAsync(() -> stop(server));
            // Jetty's graceful stop has nothing in flight and closes the idle connection after 100 ms: without the
            // listener the stop is over then, with the rest of the answer in the kernel.
            Thread.sleep(1_500);
            assertTrue(!stop.isDone(), "the stop waits while the client has not received the answer");
            long read = readAll(client.getInputStream());
            stop.get(30, TimeUnit.SECONDS);
            assertEquals(0, new TcpSendQueues().unacknowledged(Set.of(port(client))), "delivered when the stop ended");
            assertTrue(read > ANSWER_BYTES, "the whole answer with its head: " + read);
        }
    }

    @Test
    void aClientThatNeverReadsHoldsTheStopNoLongerThanTheStopTimeout() throws Exception {
        Server server = server(1_000);
        try (Socket client = answeredClient(server)) {
            long began = System.nanoTime();
            CompletableFuture.runAsync(() -> stop(server)).get(60, TimeUnit.SECONDS);
            long tookMs = (System.nanoTime() - began) / 1_000_000;
            assertTrue(tookMs >= 900, "the stop waited for the client up to its timeout: " + tookMs + " ms");
            assertTrue(server.isStopped());
        }
    }

    @Test
    void aClientThatTakesNothingIsGivenUpOnAfterThePatienceNotAtTheStopTimeout() throws Exception {
        Server server = server(30_000, Duration.ofSeconds(1));
        try (Socket client = answeredClient(server)) {
            // Before the patience, the wait held the stop for the whole 30 s stop timeout (a docker stop's 10 s
            // then killed the JVM): a client whose window stays shut never acknowledges anything.
            CompletableFuture.runAsync(() -> stop(server)).get(20, TimeUnit.SECONDS);
            assertTrue(server.isStopped());
            assertTrue(
                    new TcpSendQueues().unacknowledged(Set.of(port(client))) > 0,
                    "given up on with its bytes undelivered, not delivered");
        }
    }

    @Test
    void aClientThatGoesOnReadingIsWaitedForLongerThanThePatience() throws Exception {
        Server server = server(30_000, Duration.ofSeconds(1));
        try (Socket client = answeredClient(server)) {
            CompletableFuture<Void> stop = CompletableFuture.runAsync(() -> stop(server));
            // 256 KiB in 8 KiB reads 200 ms apart: about 6 s, each read well within the 1 s patience.
            InputStream in = client.getInputStream();
            byte[] buffer = new byte[8192];
            long read = 0;
            for (int n; (n = in.read(buffer)) >= 0; ) {
                read += n;
                Thread.sleep(200);
            }
            stop.get(30, TimeUnit.SECONDS);
            assertTrue(read > ANSWER_BYTES, "the whole answer with its head: " + read);
            assertEquals(0, new TcpSendQueues().unacknowledged(Set.of(port(client))), "delivered when the stop ended");
        }
    }

    @Test
    void aClosedConnectionsFinIsNothingTakenSoTheWaitGivesUpAfterWatchingNotAfterAnotherPatience() throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        server.setStopTimeout(30_000);
        server.start();
        try {
            // A fake clock that moves 100 ms each time it is read, and a queue of 1,000 bytes when the stop is asked
            // and one more (the FIN Jetty's close of the connection queued) from then on: nobody took anything.
            java.util.concurrent.atomic.AtomicLong clock = new java.util.concurrent.atomic.AtomicLong();
            java.util.concurrent.atomic.AtomicLong queued = new java.util.concurrent.atomic.AtomicLong(1_000);
            DeliveredBeforeExit delivered = new DeliveredBeforeExit(
                    server,
                    Duration.ofSeconds(1),
                    DeliveredBeforeExit.GRACE,
                    ports -> queued.get(),
                    () -> clock.addAndGet(Duration.ofMillis(100).toNanos()));
            delivered.stopAsked();
            queued.set(1_001);
            clock.addAndGet(Duration.ofSeconds(5).toNanos()); // the graceful stop's 5 s
            long began = clock.get();
            assertEquals(1_001, delivered.awaitDelivered(), "given up on");
            long waited = clock.get() - began;
            // Patience counted from the stop asked 5 s ago: it gives up once it has watched 0.5 s, where counting
            // from the wait's start (the FIN read as bytes written during the stop) waited the whole patience again.
            assertTrue(
                    waited < Duration.ofSeconds(1).toNanos(),
                    "gave up after watching, not another patience: " + waited / 1_000_000 + " ms on the clock");
        } finally {
            server.stop();
        }
    }

    /** The latch the server's one route counts down once its answer is written. */
    private final CountDownLatch written = new CountDownLatch(1);

    /** A server whose one route writes {@link #ANSWER_BYTES} bytes, closing idle connections 100 ms into a stop. */
    private Server server(long stopTimeoutMs) throws Exception {
        return server(stopTimeoutMs, DeliveredBeforeExit.PATIENCE);
    }

    /** The same, giving up on clients that take nothing for {@code patience}. */
    private Server server(long stopTimeoutMs, Duration patience) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setAcceptedSendBufferSize(1 << 20);
        connector.setShutdownIdleTimeout(100);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                response.getHeaders().put(HttpHeader.CONTENT_LENGTH, ANSWER_BYTES);
                response.write(
                        true,
                        ByteBuffer.allocate(ANSWER_BYTES),
                        Callback.from(
                                () -> {
                                    callback.succeeded();
                                    written.countDown();
                                },
                                callback::failed));
                return true;
            }
        });
        server.setStopTimeout(stopTimeoutMs);
        server.addEventListener(new DeliveredBeforeExit(server, patience, DeliveredBeforeExit.GRACE));
        server.start();
        return server;
    }

    /** A client with a small window that asked for the answer, which the server has written, and read nothing yet. */
    private Socket answeredClient(Server server) throws Exception {
        Socket client = client(server);
        assertTrue(written.await(30, TimeUnit.SECONDS), "the answer was written");
        return client;
    }

    private static Socket client(Server server) throws Exception {
        Socket client = new Socket();
        client.setReceiveBufferSize(16 << 10);
        client.connect(new java.net.InetSocketAddress(
                "127.0.0.1", ((ServerConnector) server.getConnectors()[0]).getLocalPort()));
        client.getOutputStream().write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return client;
    }

    private static int port(Socket client) {
        return client.getPort();
    }

    private static void stop(Server server) {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static long readAll(InputStream in) throws Exception {
        byte[] buffer = new byte[8192];
        long read = 0;
        for (int n; (n = in.read(buffer)) >= 0; ) {
            read += n;
        }
        return read;
    }
}
