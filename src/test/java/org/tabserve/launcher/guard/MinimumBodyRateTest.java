package org.tabserve.launcher.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;

/**
 * The minimum body rate: its arithmetic and races on a clock of the test's own ({@link MinimumBodyRate.Guard}), then
 * on a real Jetty connector in front of a handler that reads the body, which says that Jetty still reads bodies
 * through the handler's request as this relies on.
 */
class MinimumBodyRateTest {

    private static final long SECOND = 1_000_000_000L;

    /** A clock and timer the test moves by hand. */
    private static final class Manual implements MinimumBodyRate.Timer {
        long now = 1_000 * SECOND;
        final List<long[]> scheduled = new ArrayList<>(); // {due, cancelled}
        final List<Runnable> tasks = new ArrayList<>();

        @Override
        public Runnable schedule(Runnable task, long nanos) {
            long[] entry = {now + nanos, 0};
            scheduled.add(entry);
            tasks.add(task);
            return () -> entry[1] = 1;
        }

        /** The one timer not cancelled, run when due. */
        void fire() {
            int pending = -1;
            for (int i = 0; i < scheduled.size(); i++) {
                if (scheduled.get(i)[1] == 0 && scheduled.get(i)[0] != Long.MIN_VALUE) {
                    assertEquals(-1, pending, "more than one timer pending");
                    pending = i;
                }
            }
            assertTrue(pending >= 0, "no timer pending");
            now = Math.max(now, scheduled.get(pending)[0]);
            scheduled.get(pending)[0] = Long.MIN_VALUE; // ran
            tasks.get(pending).run();
        }

        boolean anyPending() {
            return scheduled.stream().anyMatch(e -> e[1] == 0 && e[0] != Long.MIN_VALUE);
        }

        /** A guard of 1000 bytes/s after 10 s, on this clock, running woken callbacks at once. */
        MinimumBodyRate.Guard guard() {
            return new MinimumBodyRate.Guard(1000, 10 * SECOND, () -> now, this, Runnable::run);
        }
    }

    @Test
    void withinTheGraceABodyMayArriveAtAnyRateAndTheTimerLooksWhenTheGraceEnds() {
        Manual clock = new Manual();
        MinimumBodyRate.Guard guard = clock.guard();
        clock.now += 9 * SECOND;
        AtomicInteger woken = new AtomicInteger();
        assertFalse(guard.demand(woken::incrementAndGet), "no byte in 9 s is within the 10 s grace");
        assertEquals(
                10 * SECOND + 1_000_000,
                clock.scheduled.get(0)[0] - (clock.now - 9 * SECOND),
                "the timer is due when the grace ends");
        assertNull(guard.failure());
        assertEquals(0, woken.get());
    }

    @Test
    void aDemandAfterTheGraceWithTooFewBytesFailsAtOnceNamingTheSetting() {
        Manual clock = new Manual();
        MinimumBodyRate.Guard guard = clock.guard();
        clock.now += 12 * SECOND;
        guard.read(12, false); // one byte a second
        AtomicInteger woken = new AtomicInteger();
        assertTrue(guard.demand(woken::incrementAndGet));
        assertEquals(1, woken.get(), "the app is woken to read the failure");
        TimeoutException failure = guard.failure();
        assertTrue(
                failure.getMessage()
                        .startsWith(
                                "the request body arrived too slowly: 12 bytes in 12 s, below the"
                                        + " minimum average of 1000 bytes/s that the server accepts once a body has been arriving for 10 s"),
                failure.getMessage());
        assertTrue(failure.getMessage().contains("--min-request-rate"), failure.getMessage());
        assertTrue(guard.demand(woken::incrementAndGet), "every later demand reads the failure too");
    }

    @Test
    void aClientThatStopsSendingIsCutByTheTimerWhileTheAppWaitsAndIsWokenOnce() {
        Manual clock = new Manual();
        MinimumBodyRate.Guard guard = clock.guard();
        clock.now += 11 * SECOND;
        guard.read(15_000, false); // 15 s worth at the minimum, past the grace...
        AtomicInteger woken = new AtomicInteger();
        Runnable callback = woken::incrementAndGet;
        assertFalse(guard.demand(callback)); // ...then nothing more
        clock.fire();
        assertEquals(
                15 * SECOND + 1_000_000,
                clock.now - 1_000 * SECOND,
                "due (a millisecond late) when the average falls below the minimum: 15 kB at 1 kB/s");
        assertEquals(1, woken.get());
        assertTrue(
                guard.failure().getMessage().contains("15000 bytes in 15 s, below the minimum average of 1000 bytes/s"),
                guard.failure().getMessage());
        assertFalse(guard.arrived(callback), "a byte arriving after the failure does not wake the app again");
        assertFalse(clock.anyPending());
    }

    @Test
    void aBodyThatSentMuchAndThenStallsIsCutAGraceAfterItLastKeptUpWhateverItsAverage() {
        Manual clock = new Manual();
        MinimumBodyRate.Guard guard = clock.guard();
        guard.read(1_450_000, false); // 1.45 MB at once: its average stays above 1 kB/s for 24 minutes...
        AtomicInteger woken = new AtomicInteger();
        Runnable callback = woken::incrementAndGet;
        assertFalse(guard.demand(callback));
        for (int i = 0; i < 9; i++) { // ...then a byte a second, a thousandth of the minimum
            clock.now += SECOND;
            guard.read(1, false);
            assertNull(guard.failure(), "within a grace of its last 10 kB");
        }
        clock.fire();
        assertEquals(10 * SECOND + 1_000_000, clock.now - 1_000 * SECOND, "cut a grace after its last 10 kB");
        assertEquals(1, woken.get());
        assertTrue(
                guard.failure()
                        .getMessage()
                        .startsWith(
                                "the request body stalled: 9 bytes in the last 10 s it was"
                                        + " waited for, below the minimum of 1000 bytes/s that the server accepts over any 10 s of a body"),
                guard.failure().getMessage());
        assertTrue(
                guard.failure().getMessage().contains("--min-request-rate"),
                guard.failure().getMessage());
        assertFalse(clock.anyPending());
    }

    @Test
    void aPauseShorterThanTheGraceIsNoStallAndTheAppsOwnTimeIsNotCounted() {
        Manual clock = new Manual();
        MinimumBodyRate.Guard guard = clock.guard();
        Runnable callback = () -> {};
        guard.read(100_000, false);
        assertFalse(guard.demand(callback));
        clock.now += 9 * SECOND; // a pause of 9 s...
        guard.read(10_000, false); // ...then the next 10 kB
        assertTrue(guard.arrived(callback));
        clock.now += 30 * SECOND; // the app works on it for 30 s, not waiting: the client is held up by it
        assertFalse(guard.demand(callback), "the app's 30 s are not the client's stall");
        clock.now += 9 * SECOND;
        guard.read(10_000, true);
        assertNull(guard.failure());
    }

    @Test
    void aBodyThatKeepsUpIsNeverFailedAndTheTimerLooksAgainWhenItWouldFallBehind() {
        Manual clock = new Manual();
        MinimumBodyRate.Guard guard = clock.guard();
        AtomicInteger woken = new AtomicInteger();
        Runnable callback = woken::incrementAndGet;
        assertFalse(guard.demand(callback));
        clock.now += 5 * SECOND;
        guard.read(20_000, false); // 4 kB/s
        clock.fire(); // at the grace's end: 20 kB in 10 s is fast enough, but the app still waits: look again...
        assertNull(guard.failure());
        assertTrue(clock.anyPending());
        assertTrue(guard.arrived(callback), "the demand is still the app's");
        assertEquals(0, woken.get());
        guard.read(5_000, true); // ...the last of the body ends the watch
        assertFalse(clock.anyPending(), "the timer is cancelled");
        clock.now += 3_600 * SECOND;
        assertFalse(guard.demand(callback));
        assertNull(guard.failure(), "a body read to its end is never failed");
    }

    @Test
    void whenTheAppIsBusyAndNotWaitingTheClientIsNotBlamedUntilTheAppAsksAgain() {
        Manual clock = new Manual();
        MinimumBodyRate.Guard guard = clock.guard();
        Runnable callback = () -> {};
        assertFalse(guard.demand(callback));
        guard.read(100, false);
        assertTrue(guard.arrived(callback)); // the app reads and works on what it has
        clock.fire(); // the grace ends with 100 bytes in 10 s, but the app is not waiting
        assertNull(guard.failure());
        assertFalse(clock.anyPending(), "the next demand looks again");
        assertTrue(guard.demand(callback), "the app asks for more: now the slow body fails");
    }

    @Test
    void onARealConnectorATrickledBodyIsFailedAfterTheGraceAndAFastOneIsRead() throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(new HttpConfiguration()));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        connector.setIdleTimeout(10_000); // far longer than the grace, so that only the rate can cut what is sent
        server.addConnector(connector);
        server.setHandler(new MinimumBodyRate(100, Duration.ofSeconds(1), new ReadsBody()));
        server.start();
        try {
            String fast;
            try (Socket socket = new Socket("127.0.0.1", connector.getLocalPort())) {
                socket.setSoTimeout(5_000);
                socket.getOutputStream()
                        .write(("POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 1000" + "\r\n\r\n"
                                        + "x".repeat(1000))
                                .getBytes(StandardCharsets.US_ASCII));
                fast = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            }
            assertTrue(fast.startsWith("HTTP/1.1 200") && fast.endsWith("read 1000 bytes"), fast);

            try (Socket socket = new Socket("127.0.0.1", connector.getLocalPort())) {
                socket.getOutputStream()
                        .write("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n"
                                .getBytes(StandardCharsets.US_ASCII));
                socket.setSoTimeout(100);
                long start = System.nanoTime();
                String answer = null;
                while (answer == null && System.nanoTime() - start < 8 * SECOND) {
                    socket.getOutputStream().write('x'); // 10 bytes/s, a tenth of the minimum
                    answer = answerIfAny(socket);
                }
                long millis = (System.nanoTime() - start) / 1_000_000;
                assertTrue(answer != null, "the trickled body was still read after " + millis + " ms");
                assertTrue(millis >= 1000, "failed after " + millis + " ms, within the grace");
                String text = answer;
                assertTrue(text.startsWith("HTTP/1.1 408") && text.contains("--min-request-rate"), text);
            }
        } finally {
            server.stop();
        }
    }

    /** What the server answered, once it did (to the end of the connection); null while it still reads. */
    private static String answerIfAny(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        try {
            for (int b; (b = in.read()) != -1; ) {
                answer.write(b);
                socket.setSoTimeout(5_000);
            }
        } catch (SocketTimeoutException stillReading) {
            if (answer.size() == 0) {
                return null;
            }
        } catch (SocketException reset) {
            // closed as well
        }
        return answer.toString(StandardCharsets.US_ASCII);
    }

    /** Reads the whole body, as the app does, and answers 200 with its length, or 408 with why it failed. */
    private static final class ReadsBody extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            Content.Source.asString(request, StandardCharsets.US_ASCII, new org.eclipse.jetty.util.Promise<>() {
                @Override
                public void succeeded(String body) {
                    Content.Sink.write(response, true, "read " + body.length() + " bytes", callback);
                }

                @Override
                public void failed(Throwable failure) {
                    response.setStatus(failure instanceof TimeoutException ? 408 : 400);
                    Content.Sink.write(response, true, String.valueOf(failure.getMessage()), callback);
                }
            });
            return true;
        }
    }
}
