package org.tabserve.outbound;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;

/**
 * How long one kind of read from outside may take in all and how slowly its bytes may arrive, with the settings that
 * say so and a count of the reads abandoned: each read {@link #begin begins} a {@link OutboundRead} that holds it to
 * both, whether the peer is slow to answer, trickles its body or stops sending.
 */
public final class ReadBound {

    /**
     * The time an answer's body is given, from its head, before its rate is judged: a slow head is the deadline's to
     * judge.
     */
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(2);

    private final String what;
    private final Duration deadline;
    private final String deadlineSetting;
    private final long minBytesPerSecond;
    private final String rateSetting;
    private final Duration grace;
    private final LongAdder abandoned;

    /**
     * @param what              the read in words, as a sentence's subject ("the OIDC issuer's JWKS")
     * @param deadline          the most a read may take in all, from the first byte asked to the last byte read
     * @param deadlineSetting   the setting that chose {@code deadline}, named when a read passes it
     * @param minBytesPerSecond the slowest average rate a read's body may arrive at, from its answer's head, once
     *                          {@code grace} has passed; 0: no rate
     * @param rateSetting       the setting that chose {@code minBytesPerSecond}
     * @param grace             the time a read has before its rate is judged
     */
    public ReadBound(
            String what,
            Duration deadline,
            String deadlineSetting,
            long minBytesPerSecond,
            String rateSetting,
            Duration grace) {
        this(what, deadline, deadlineSetting, minBytesPerSecond, rateSetting, grace, new LongAdder());
    }

    private ReadBound(
            String what,
            Duration deadline,
            String deadlineSetting,
            long minBytesPerSecond,
            String rateSetting,
            Duration grace,
            LongAdder abandoned) {
        if (deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException(deadlineSetting + " must be more than 0 seconds");
        }
        if (minBytesPerSecond < 0) {
            throw new IllegalArgumentException(rateSetting + " must be 0 (no rate) or more bytes a second");
        }
        this.what = what;
        this.deadline = deadline;
        this.deadlineSetting = deadlineSetting;
        this.minBytesPerSecond = minBytesPerSecond;
        this.rateSetting = rateSetting;
        this.grace = grace.compareTo(deadline) > 0 ? deadline : grace;
        this.abandoned = abandoned;
    }

    /** @return the same bound for another read in words, sharing its count of reads abandoned */
    public ReadBound named(String otherWhat) {
        return new ReadBound(otherWhat, deadline, deadlineSetting, minBytesPerSecond, rateSetting, grace, abandoned);
    }

    /** Starts the clock of one read: call it just before the request is sent. */
    public OutboundRead begin() {
        return new OutboundRead(this, System.nanoTime());
    }

    /**
     * Runs one read of {@code future}'s kind: waits for it at most until the deadline, judging the rate of
     * {@code read}'s bytes on the way, and cancels it when it is abandoned.
     *
     * @throws ReadAbandoned        past the deadline or below the rate (the future is cancelled)
     * @throws ExecutionException   when the read itself failed
     * @throws InterruptedException when the waiting thread is interrupted (the future is cancelled)
     */
    public static <T> T await(OutboundRead read, CompletableFuture<T> future)
            throws ReadAbandoned, ExecutionException, InterruptedException {
        try {
            while (true) {
                read.check();
                try {
                    return future.get(read.nextLook(), TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    // looked again at the deadline and rate above
                }
            }
        } catch (ReadAbandoned | InterruptedException e) {
            future.cancel(true);
            throw e;
        } catch (CancellationException e) {
            throw read.abandon();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ReadAbandoned abandoned) {
                throw abandoned; // the body's own reader abandoned it
            }
            throw e;
        }
    }

    /** @return how many reads of this kind were abandoned, past the deadline or below the rate */
    public long abandoned() {
        return abandoned.sum();
    }

    /** @return the read in words */
    public String what() {
        return what;
    }

    /** @return the most a read may take in all */
    public Duration deadline() {
        return deadline;
    }

    /** @return the slowest average rate, bytes a second, after the grace; 0: none */
    public long minBytesPerSecond() {
        return minBytesPerSecond;
    }

    Duration grace() {
        return grace;
    }

    /**
     * Why a read {@code elapsedNanos} after its request, {@code answeringNanos} after its answer's head (0: none yet),
     * with {@code bytes} of its body read, is abandoned, in words; null while it may go on.
     */
    String judge(long elapsedNanos, long answeringNanos, long bytes) {
        if (elapsedNanos > deadline.toNanos()) {
            return what + " took longer than " + seconds(deadline) + " in all (" + deadlineSetting + ")";
        }
        long judged = answeringNanos - grace.toNanos();
        if (minBytesPerSecond > 0 && judged > 0) {
            double owed = minBytesPerSecond * (judged / 1e9);
            if (bytes < owed) {
                long rate = Math.round(bytes / (answeringNanos / 1e9));
                return what + " arrived at " + rate + " bytes a second, slower than the " + minBytesPerSecond + " of "
                        + rateSetting;
            }
        }
        return null;
    }

    void count() {
        abandoned.increment();
    }

    static String seconds(Duration d) {
        long millis = d.toMillis();
        return millis % 1000 == 0 ? (millis / 1000) + " s" : millis + " ms";
    }
}
