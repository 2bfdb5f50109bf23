package org.tabserve.launcher.guard;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpStream;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Cuts a response whose client takes it slower than a minimum rate, on average over the time the server has waited
 * for the client to take it, once a grace period of waiting has passed: the pending write is cancelled the way Jetty
 * cancels it at an idle timeout (an HTTP/2 stream is reset, an HTTP/1.1 connection closed), so the app's write fails
 * and its thread and concurrency slot are free. Without it a client that reads nothing (an HTTP/2 stream window of 0,
 * a TCP window that stays shut) or trickles a byte before each idle timeout holds them for as long as it likes; HTTP/2
 * multiplies that by every stream of one connection.
 * <p>
 * Jetty 12.1's {@code HttpConfiguration.setMinResponseDataRate} is stored but nowhere enforced, so this handler does
 * it, below every protocol, by wrapping the request's {@link HttpStream}. Only the time a write waits for the client
 * counts, never the time the app takes to produce the answer; the bytes counted are those of writes done plus those of
 * the waiting write that its connection has sent so far (a large write shows its progress).
 */
public final class MinimumResponseRate extends Handler.Wrapper {

    private static final Logger LOG = Logger.getLogger(MinimumResponseRate.class.getName());

    private final long minBytesPerSecond;
    private final long graceNanos;
    private final AtomicLong cut;

    /**
     * @param minBytesPerSecond the slowest average rate accepted once the grace is over; 0 turns the check off
     * @param grace             how long the server may wait for a client at any rate (a receive window that opens
     *                          late, a first stall)
     * @param cut               counts the answers cut
     */
    public MinimumResponseRate(long minBytesPerSecond, Duration grace, AtomicLong cut, Handler handler) {
        super(handler);
        this.cut = cut;
        this.minBytesPerSecond = minBytesPerSecond;
        this.graceNanos = grace.toNanos();
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (minBytesPerSecond > 0) {
            Scheduler scheduler = request.getComponents().getScheduler();
            Connection connection = request.getConnectionMetaData().getConnection();
            request.addHttpStreamWrapper(stream -> new Watched(stream, scheduler, connection));
        }
        return super.handle(request, response, callback);
    }

    /** The request's stream, its writes timed while they wait for the client. */
    private final class Watched extends HttpStream.Wrapper {
        private final Scheduler scheduler;
        private final Connection connection;
        /** Bytes of the writes done. */
        private long sent;
        /** Nanoseconds the writes done waited for the client. */
        private long waited;
        /** The write waiting for the client, if any, and when it began, its size and its connection's bytes then. */
        private Once pending;

        private long pendingSince;
        private long pendingSize;
        private long pendingBytesOut;
        private Scheduler.Task timer;

        Watched(HttpStream stream, Scheduler scheduler, Connection connection) {
            super(stream);
            this.scheduler = scheduler;
            this.connection = connection;
        }

        @Override
        public void send(
                MetaData.Request request,
                MetaData.Response response,
                boolean last,
                ByteBuffer content,
                Callback callback) {
            Once write = new Once(callback, content == null ? 0 : content.remaining());
            synchronized (this) {
                pending = write;
                pendingSince = System.nanoTime();
                pendingSize = write.size;
                pendingBytesOut = connection.getBytesOut();
            }
            super.send(request, response, last, content, write);
            synchronized (this) {
                // Most writes are done by now; one that waits for the client is looked at when it would be too slow.
                if (pending == write && timer == null) {
                    timer = scheduler.schedule(this::check, untilTooSlow(System.nanoTime()), TimeUnit.NANOSECONDS);
                }
            }
        }

        /** A write is done (or failed): its bytes and its wait are counted, and nothing waits any more. */
        private synchronized void done(Once write) {
            if (pending != write) {
                return;
            }
            sent += write.size;
            waited += System.nanoTime() - pendingSince;
            pending = null;
            if (timer != null) {
                timer.cancel();
                timer = null;
            }
        }

        /** The timer: cancels the waiting write if the average has fallen below the minimum. */
        private void check() {
            Once write;
            TimeoutException failure;
            synchronized (this) {
                timer = null;
                write = pending;
                if (write == null) {
                    return;
                }
                long now = System.nanoTime();
                long bytes = bytes();
                long waiting = waited + now - pendingSince;
                if (!tooSlow(bytes, waiting)) {
                    timer = scheduler.schedule(this::check, untilTooSlow(now), TimeUnit.NANOSECONDS);
                    return;
                }
                failure = new TimeoutException("the response was read too slowly: " + bytes + " bytes in "
                        + waiting / 1_000_000_000L + " s of waiting for the client, below the minimum average of "
                        + minBytesPerSecond + " bytes/s that the server accepts once it has waited "
                        + graceNanos / 1_000_000_000L + " s (--min-response-rate)");
            }
            cut.incrementAndGet();
            LOG.fine(failure::getMessage);
            Runnable cancel = getWrapped().cancelSend(failure, write);
            if (cancel != null) {
                cancel.run();
            }
        }

        /** The bytes the client has taken: the writes done, and what its connection sent of the waiting one. */
        private long bytes() {
            long progress = pending == null
                    ? 0
                    : Math.min(pendingSize, Math.max(0, connection.getBytesOut() - pendingBytesOut));
            return sent + progress;
        }

        private boolean tooSlow(long bytes, long waitingNanos) {
            // bytes / seconds < minimum, in doubles: nanoseconds times a rate would overflow a long after hours
            return waitingNanos > graceNanos && bytes * 1e9 < (double) minBytesPerSecond * waitingNanos;
        }

        /** Nanoseconds from {@code now} until the average falls below the minimum if no byte goes out (at least 1 ms). */
        private long untilTooSlow(long now) {
            double at = Math.max(graceNanos, bytes() * 1e9 / minBytesPerSecond);
            double from = at - (waited + now - pendingSince);
            return (long) Math.min(Math.max(from, 0) + 1_000_000, Long.MAX_VALUE / 2);
        }

        /** The app's callback of one write, completed once (a cancelled write may also fail on its own). */
        private final class Once extends Callback.Nested {
            private final long size;
            private final java.util.concurrent.atomic.AtomicBoolean completed =
                    new java.util.concurrent.atomic.AtomicBoolean();

            Once(Callback callback, long size) {
                super(callback);
                this.size = size;
            }

            @Override
            public void succeeded() {
                if (completed.compareAndSet(false, true)) {
                    done(this);
                    super.succeeded();
                }
            }

            @Override
            public void failed(Throwable failure) {
                if (completed.compareAndSet(false, true)) {
                    done(this);
                    super.failed(failure);
                }
            }
        }
    }
}
