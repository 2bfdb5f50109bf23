package org.tabserve.launcher.guard;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.logging.Logger;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.component.Graceful;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Fails a request whose body arrives, on average since the request began, slower than a minimum rate once a grace
 * period has passed: the app's read of the body then fails with a {@link TimeoutException} whose message, written
 * for the client, names {@code --min-request-rate}; the app answers 408 and Jetty closes the connection, as the
 * body was not read to its end. The idle timeout restarts with every byte, so without this a client that sends one
 * byte every few seconds holds a request, its thread and its concurrency slot for as long as it likes.
 * <p>
 * Jetty 12.1 has two mechanisms of its own, and neither does this: {@code HttpConfiguration.setMinRequestDataRate}
 * is checked by the ee10 servlet input stream only, which a multipart upload bypasses (Jetty parses the parts from the
 * core request), and it has no grace period; {@code MinimumDataRateHandler} measures the bytes every request of the
 * handler has read since the server started, not this request's. This handler sits at the core level, where every
 * body is read (multipart too), and counts each request's own bytes.
 * <p>
 * The rate is checked when the app waits for more of the body (a demand), and by a timer at the moment the average
 * would fall below the minimum if nothing more arrived, so a client that has stopped sending is cut then and not only
 * at its next byte. When the app is slower than the client (it has not asked for more), the client is not blamed.
 * <p>
 * The average alone lets a body that sent much quickly stall for long: 1.45 MB and then a byte every 15 s stays above
 * 1 kB/s for 24 minutes, holding the memory its rows took (issue 47: two such bodies made uploads 503 meanwhile). So
 * the minimum applies to every stretch of the grace as well: once a body has arrived for the grace, it must bring at
 * least the minimum rate times the grace (10 kB by default) within each grace the app waits for it, or it has
 * stalled and fails as a slow one does. The app's own time between reads (it was busy, not waiting) is not counted.
 * <p>
 * Once the server begins its graceful stop (Jetty calls {@link #shutdown}), a body still arriving gets a last
 * {@code stopGrace} at any rate: a client that trickles a large upload just fast enough would otherwise hold the stop
 * for its whole timeout.
 */
public final class MinimumBodyRate extends Handler.Wrapper implements Graceful {

    private static final Logger LOG = Logger.getLogger(MinimumBodyRate.class.getName());
    /** How the client is told the stop's grace for a body. */
    private static final String STOP_GRACE_WORDS = "a few seconds";

    private final long minBytesPerSecond;
    private final Duration grace;
    private final Duration stopGrace;
    /** When bodies still arriving fail, in {@link System#nanoTime()}'s terms: never until the stop begins. */
    private final AtomicLong stopDeadline = new AtomicLong(Long.MAX_VALUE);

    /**
     * @param minBytesPerSecond the slowest average rate accepted once the grace period is over; 0 turns the check off
     * @param grace             how long a body may arrive at any rate (a client's connection warming up, a pause)
     */
    MinimumBodyRate(long minBytesPerSecond, Duration grace, Handler handler) {
        this(minBytesPerSecond, grace, Duration.ofNanos(Long.MAX_VALUE), handler);
    }

    /** @param stopGrace how long after the graceful stop begins a body may still be arriving */
    public MinimumBodyRate(long minBytesPerSecond, Duration grace, Duration stopGrace, Handler handler) {
        super(handler);
        this.minBytesPerSecond = minBytesPerSecond;
        this.grace = grace;
        this.stopGrace = stopGrace;
    }

    /** The graceful stop begins: bodies still arriving {@code stopGrace} from now fail. */
    @Override
    public CompletableFuture<Void> shutdown() {
        long now = System.nanoTime();
        stopDeadline.compareAndSet(Long.MAX_VALUE, now + Math.min(stopGrace.toNanos(), Long.MAX_VALUE / 4));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public boolean isShutdown() {
        return stopDeadline.get() != Long.MAX_VALUE;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (minBytesPerSecond <= 0) {
            return super.handle(request, response, callback);
        }
        Scheduler scheduler = request.getComponents().getScheduler();
        Executor executor = request.getComponents().getExecutor();
        Guard guard = new Guard(
                minBytesPerSecond,
                grace.toNanos(),
                System::nanoTime,
                (task, nanos) -> scheduler.schedule(task, nanos, TimeUnit.NANOSECONDS)::cancel,
                executor,
                stopDeadline::get);
        GuardedRequest guarded = new GuardedRequest(request, guard);
        return super.handle(guarded, new Response.Wrapper(guarded, response), callback);
    }

    /** Schedules a task after a delay and returns how to cancel it. */
    @FunctionalInterface
    interface Timer {
        Runnable schedule(Runnable task, long nanos);
    }

    /**
     * One request's body as it arrives: bytes so far, the app's demand waiting for more, the timer. Apart from the
     * request so that its arithmetic and its races can be tested with a clock of the test's own.
     */
    static final class Guard {
        private final long minBytesPerSecond;
        private final long graceNanos;
        private final LongSupplier clock;
        private final Timer timer;
        private final Executor executor;
        private final long start;
        /** When the body fails whatever its rate (the server is stopping), or {@link Long#MAX_VALUE}. */
        private final LongSupplier stopDeadline;

        private long bytes;
        /** Bytes since the body last kept up: since a grace's worth had last arrived. */
        private long sinceProgress;
        /** Nanoseconds the app has waited for the body since it last kept up, before the wait under way. */
        private long waited;
        /** When the app's wait under way began, or -1 when it is not waiting (busy with what it read). */
        private long waitingSince = -1;

        private boolean finished;
        /** The app's demand callback while it waits for more of the body. */
        private Runnable waiting;

        private Runnable cancelTimer;
        private TimeoutException failure;

        Guard(long minBytesPerSecond, long graceNanos, LongSupplier clock, Timer timer, Executor executor) {
            this(minBytesPerSecond, graceNanos, clock, timer, executor, () -> Long.MAX_VALUE);
        }

        /** @param stopDeadline when the body fails whatever its rate, in {@code clock}'s terms ({@link Long#MAX_VALUE}: never) */
        Guard(
                long minBytesPerSecond,
                long graceNanos,
                LongSupplier clock,
                Timer timer,
                Executor executor,
                LongSupplier stopDeadline) {
            this.stopDeadline = stopDeadline;
            this.minBytesPerSecond = minBytesPerSecond;
            this.graceNanos = graceNanos;
            this.clock = clock;
            this.timer = timer;
            this.executor = executor;
            this.start = clock.getAsLong();
        }

        /** Counts a chunk the app read; the last one ends the watch. */
        synchronized void read(long length, boolean last) {
            bytes += length;
            sinceProgress += length;
            if (sinceProgress >= graceQuota()) {
                sinceProgress = 0;
                waited = 0;
                if (waitingSince >= 0) {
                    waitingSince = clock.getAsLong();
                }
            }
            if (last) {
                finish();
            }
        }

        /** The body is read, or the request is over: nothing more to watch. */
        synchronized void finish() {
            finished = true;
            waiting = null;
            if (cancelTimer != null) {
                cancelTimer.run();
                cancelTimer = null;
            }
        }

        /** Why the body failed, or null while it arrives fast enough. */
        synchronized TimeoutException failure() {
            return failure;
        }

        /**
         * The app waits for more of the body: fails it at once when the average is already too slow (then runs
         * {@code callback}, so that the app reads the failure, and answers true), else remembers it and makes sure
         * the timer will look again when the average would fall below the minimum.
         */
        boolean demand(Runnable callback) {
            synchronized (this) {
                if (failure == null && !finished) {
                    long now = clock.getAsLong();
                    if (waitingSince < 0) {
                        waitingSince = now; // the time before, the app's own, is not the client's
                    }
                    if (!tooSlow(now) && !stalled(now)) {
                        waiting = callback;
                        if (cancelTimer == null) {
                            cancelTimer = timer.schedule(this::check, untilChecked(now));
                        }
                        return false;
                    }
                    fail(now);
                } else if (failure == null) {
                    return false;
                }
            }
            callback.run();
            return true;
        }

        /**
         * More of the body arrived for the demand {@code callback}: answers whether to run it, which is not when the
         * body failed meanwhile (the failure already woke the app).
         */
        synchronized boolean arrived(Runnable callback) {
            if (waiting == callback) {
                waiting = null;
                if (waitingSince >= 0) {
                    waited += clock.getAsLong() - waitingSince;
                    waitingSince = -1;
                }
                return true;
            }
            return failure == null;
        }

        /** The timer: fails the body if the app still waits for it and the average has fallen too low. */
        void check() {
            Runnable wake;
            synchronized (this) {
                cancelTimer = null;
                if (finished || failure != null || waiting == null) {
                    return; // the next demand looks again
                }
                long now = clock.getAsLong();
                if (!tooSlow(now) && !stalled(now)) {
                    cancelTimer = timer.schedule(this::check, untilChecked(now));
                    return;
                }
                fail(now);
                wake = waiting;
                waiting = null;
            }
            executor.execute(wake); // not on the scheduler's thread: the app reads (and answers) from it
        }

        private boolean tooSlow(long now) {
            if (stopped(now)) {
                return true;
            }
            long elapsed = now - start;
            // bytes / seconds < minimum, in doubles: nanoseconds times a rate would overflow a long after hours
            return elapsed > graceNanos && bytes * 1e9 < (double) minBytesPerSecond * elapsed;
        }

        /** The bytes each grace the app waits must bring: the minimum rate times the grace. */
        private double graceQuota() {
            return minBytesPerSecond * (graceNanos / 1e9);
        }

        /** Nanoseconds the app has waited for the body since it last kept up, the wait under way included. */
        private long waitedSinceProgress(long now) {
            return waited + (waitingSince >= 0 ? now - waitingSince : 0);
        }

        /** Whether the app has waited a whole grace since the body last kept up. */
        private boolean stalled(long now) {
            return waitedSinceProgress(now) > graceNanos;
        }

        /** Nanoseconds from {@code now} until the body would be too slow or stalled if no byte arrives (at least 1 ms). */
        private long untilChecked(long now) {
            long untilStalled = Math.max(graceNanos - waitedSinceProgress(now), 0) + 1_000_000;
            return Math.min(untilTooSlow(now), untilStalled);
        }

        /** Nanoseconds from {@code now} until the average falls below the minimum if no byte arrives (at least 1 ms). */
        private long untilTooSlow(long now) {
            double at = Math.max(graceNanos, bytes * 1e9 / minBytesPerSecond);
            long deadline = stopDeadline.getAsLong();
            double from = Math.min(at - (now - start), deadline == Long.MAX_VALUE ? Double.MAX_VALUE : deadline - now);
            return (long) Math.min(Math.max(from, 0) + 1_000_000, Long.MAX_VALUE / 2);
        }

        /** Whether the server is stopping and the body's last grace is over. */
        private boolean stopped(long now) {
            long deadline = stopDeadline.getAsLong();
            return deadline != Long.MAX_VALUE && now - deadline > 0;
        }

        private void fail(long now) {
            // Words for the client; LimitedInputStream passes on a timeout's message that begins "the request body".
            failure = new TimeoutException(
                    stopped(now)
                            ? "the request body was still arriving when the server"
                                    + " stopped: " + bytes + " bytes in " + (now - start) / 1_000_000_000L
                                    + " s, and a stopping server"
                                    + " waits " + STOP_GRACE_WORDS + " for a body"
                            : tooSlow(now)
                                    ? "the request body arrived too slowly: " + bytes + " bytes in "
                                            + (now - start) / 1_000_000_000L + " s, below the minimum average of "
                                            + minBytesPerSecond
                                            + " bytes/s that the server accepts once a body has been arriving for "
                                            + graceNanos / 1_000_000_000L + " s (--min-request-rate)"
                                    : "the request body stalled: " + sinceProgress + " bytes in the last "
                                            + waitedSinceProgress(now) / 1_000_000_000L
                                            + " s it was waited for, below the minimum of "
                                            + minBytesPerSecond + " bytes/s that the server accepts over any "
                                            + graceNanos / 1_000_000_000L
                                            + " s of a body (--min-request-rate, --min-request-rate-grace)");
            finished = true;
            if (cancelTimer != null) {
                cancelTimer.run();
                cancelTimer = null;
            }
            LOG.fine(failure::getMessage);
        }
    }

    /** The request as the app sees it: reads counted, demands watched, the failure read once the body is too slow. */
    private static final class GuardedRequest extends Request.Wrapper {
        private final Guard guard;
        /**
         * Whether the request's end is watched, to stop the guard's timer. Only a demand can start the timer, and most
         * bodies arrive with their headers and are read without one, so the watch (a stream wrapper) is added then.
         */
        private final java.util.concurrent.atomic.AtomicBoolean watched =
                new java.util.concurrent.atomic.AtomicBoolean();

        GuardedRequest(Request request, Guard guard) {
            super(request);
            this.guard = guard;
        }

        @Override
        public Content.Chunk read() {
            TimeoutException failure = guard.failure();
            if (failure != null) {
                return Content.Chunk.from(failure);
            }
            Content.Chunk chunk = super.read();
            if (chunk != null && chunk.getFailure() == null) {
                guard.read(chunk.remaining(), chunk.isLast());
            }
            return chunk;
        }

        @Override
        public void demand(Runnable callback) {
            if (watched.compareAndSet(false, true)) {
                Request.addCompletionListener(getWrapped(), failure -> guard.finish());
            }
            if (guard.demand(callback)) {
                return;
            }
            super.demand(() -> {
                if (guard.arrived(callback)) {
                    callback.run();
                }
            });
        }
    }
}
