package org.tabserve.web.http;

import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Logs one kind of per-request client error at most once per interval, so that anyone who can send a bad request
 * cannot flood the log with it: the first occurrence is logged at once, later ones within the interval are only
 * counted, and the next line says how many were left out since the last one. Metrics count every occurrence.
 */
public final class RateLimitedLog {

    /** One line per kind per minute at most: enough to notice an attack, too few to fill a disk. */
    static final long DEFAULT_INTERVAL_NANOS = 60_000_000_000L;

    private final Logger log;
    private final Level level;
    private final long intervalNanos;
    private final LongSupplier clock;
    private boolean logged;
    private long nextLineAt;
    private long leftOut;

    public RateLimitedLog(Logger log, Level level) {
        this(log, level, DEFAULT_INTERVAL_NANOS, System::nanoTime);
    }

    RateLimitedLog(Logger log, Level level, long intervalNanos, LongSupplier clock) {
        this.log = log;
        this.level = level;
        this.intervalNanos = intervalNanos;
        this.clock = clock;
    }

    /** Logs {@code message} unless a line of this kind was written less than an interval ago; then only counts it. */
    public void log(Supplier<String> message) {
        if (!log.isLoggable(level)) {
            return;
        }
        long omitted;
        synchronized (this) {
            long now = clock.getAsLong();
            if (logged && now - nextLineAt < 0) {
                leftOut++;
                return;
            }
            logged = true;
            nextLineAt = now + intervalNanos;
            omitted = leftOut;
            leftOut = 0;
        }
        // Outside the lock: a slow log handler must not hold up every other request that is refused meanwhile.
        log.log(
                level,
                omitted == 0
                        ? message.get()
                        : message.get() + " (and " + omitted + " more like it since the last such line, not logged)");
    }
}
