package org.tabserve.outbound;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One read from outside under its {@link ReadBound}: counts the bytes that arrive and, on every read and from a
 * watchdog four times a second, abandons the read once it is past its deadline (from the first byte asked) or below its rate (its body's bytes, from
 * the answer's head on), cutting it with the
 * abort its caller gave (so that a peer that stops sending altogether frees the reader as well). Closing it ends the
 * watch; abandoned, it is counted once.
 */
public final class OutboundRead implements AutoCloseable {

    /** How often the watchdog looks at a read that may be blocked in the peer's hands. */
    static final long LOOK_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "tabserve-outbound-watch");
        thread.setDaemon(true);
        return thread;
    });

    private final ReadBound bound;
    private final long start;
    private final AtomicLong bytes = new AtomicLong();
    private volatile long answered;
    private volatile String abandoned;
    private volatile ScheduledFuture<?> watch;
    private volatile boolean closed;

    OutboundRead(ReadBound bound, long start) {
        this.bound = bound;
        this.start = start;
    }

    /**
     * Marks the answer begun (its head arrived): from now on, after the grace, its body's rate is judged; until then
     * only the deadline is.
     */
    public void answered() {
        if (answered == 0) {
            answered = System.nanoTime();
        }
    }

    /** Counts {@code n} bytes that arrived (for a reader that does not go through {@link #body}). */
    public void arrived(long n) {
        if (n > 0) {
            bytes.addAndGet(n);
        }
    }

    /**
     * @throws ReadAbandoned when the read is past its deadline or below its rate, from now on
     */
    public void check() throws ReadAbandoned {
        if (abandoned == null) {
            String why = judge();
            if (why == null) {
                return;
            }
            abandon(why);
        }
        throw new ReadAbandoned(abandoned);
    }

    /** Marks the read abandoned now (a cancelled future), if it was not already. */
    ReadAbandoned abandon() {
        if (abandoned == null) {
            String why = judge();
            abandon(why == null ? bound.what() + " was cut off" : why);
        }
        return new ReadAbandoned(abandoned);
    }

    private String judge() {
        long now = System.nanoTime();
        long began = answered;
        return bound.judge(now - start, began == 0 ? 0 : now - began, bytes.get());
    }

    private synchronized void abandon(String why) {
        if (abandoned == null) {
            abandoned = why;
            bound.count();
        }
    }

    /** @return whether the read was abandoned */
    public boolean wasAbandoned() {
        return abandoned != null;
    }

    /**
     * Watches the read from outside its thread: once it is past its deadline or below its rate, {@code abort} runs
     * (once), which must free a thread blocked reading it (close its connection, cancel its request).
     */
    public void watch(Runnable abort) {
        if (watch != null) {
            throw new IllegalStateException("a read is watched once");
        }
        watch = WATCHDOG.scheduleWithFixedDelay(
                () -> {
                    if (closed) {
                        return;
                    }
                    try {
                        check();
                    } catch (ReadAbandoned e) {
                        ScheduledFuture<?> self = watch;
                        if (self != null) {
                            self.cancel(false);
                        }
                        try {
                            abort.run();
                        } catch (RuntimeException ignored) {
                            // the read is abandoned whatever its abort says
                        }
                    }
                },
                LOOK_NANOS,
                LOOK_NANOS,
                TimeUnit.NANOSECONDS);
    }

    /**
     * @return {@code in} read under this bound: every read counts its bytes and throws {@link ReadAbandoned} once the
     *         read is past its deadline or below its rate (also when its abort cut the stream under it)
     */
    public InputStream body(InputStream in) {
        answered();
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                check();
                int b;
                try {
                    b = super.read();
                } catch (IOException e) {
                    throw abandonedOr(e);
                }
                if (b >= 0) {
                    arrived(1);
                }
                return b;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                check();
                int n;
                try {
                    n = super.read(buffer, offset, length);
                } catch (IOException e) {
                    throw abandonedOr(e);
                }
                arrived(n);
                return n;
            }
        };
    }

    private IOException abandonedOr(IOException e) {
        return abandoned != null ? new ReadAbandoned(abandoned) : e;
    }

    /** The time to wait before looking again at a read being awaited: a quarter second, or less to its deadline. */
    long nextLook() {
        long left = bound.deadline().toNanos() - (System.nanoTime() - start);
        return Math.max(1, Math.min(LOOK_NANOS, left + 1));
    }

    /** @return the bytes read so far */
    public long bytes() {
        return bytes.get();
    }

    /** Ends the watch; the read is over. */
    @Override
    public void close() {
        closed = true;
        ScheduledFuture<?> w = watch;
        if (w != null) {
            w.cancel(false);
        }
    }
}
