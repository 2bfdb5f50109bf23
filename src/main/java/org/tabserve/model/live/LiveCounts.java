package org.tabserve.model.live;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A fixed row of counters kept twice, since start and over a sliding window of the last hour (a ring of
 * {@link #BUCKETS} buckets of {@link #BUCKET_SECONDS} seconds, rotated by time), so that a {@link LiveProfile} can say
 * both what a model has scored in all and what it has scored lately in bounded memory and without a lock.
 *
 * <p>Adding is a few atomic adds on {@link AtomicLongArray}s. A bucket is reused when its period comes round again:
 * the first add of the new period claims it (compare-and-set of its period) and zeroes it; an add another thread makes
 * during those few instructions may be lost from the window (never from the since-start counts), as in the models
 * page's request window.
 */
public final class LiveCounts {

    /** Seconds one bucket of the window covers. */
    public static final int BUCKET_SECONDS = 300;
    /** Buckets in the window: {@link #WINDOW_SECONDS} together. */
    public static final int BUCKETS = 12;
    /** The window: the last hour. */
    public static final int WINDOW_SECONDS = BUCKET_SECONDS * BUCKETS;

    private static final long BUCKET_NANOS = BUCKET_SECONDS * 1_000_000_000L;
    private static final long NO_PERIOD = Long.MIN_VALUE;

    private final int width;
    private final AtomicLongArray total;
    /** Per bucket: its period, then {@code width} counts. */
    private final AtomicLongArray ring;

    /** @param width how many counters */
    public LiveCounts(int width) {
        this.width = width;
        this.total = new AtomicLongArray(width);
        this.ring = new AtomicLongArray(BUCKETS * (width + 1));
        for (int b = 0; b < BUCKETS; b++) {
            ring.set(b * (width + 1), NO_PERIOD);
        }
    }

    /** @return how many counters */
    public int width() {
        return width;
    }

    /**
     * Adds {@code delta} (one value per counter; zeros are skipped) at time {@code nowNanos}.
     *
     * @param nowNanos on {@link System#nanoTime()}'s scale (a test passes its own)
     */
    public void add(long nowNanos, long[] delta) {
        int base = bucket(nowNanos);
        for (int i = 0; i < width; i++) {
            long d = delta[i];
            if (d != 0) {
                total.addAndGet(i, d);
                if (base >= 0) {
                    ring.addAndGet(base + 1 + i, d);
                }
            }
        }
    }

    /**
     * Adds one to each counter {@code cells} names (distinct counters) at time {@code nowNanos}: {@link #add} of a
     * delta that is 1 at those counters and 0 elsewhere, without making or scanning that delta.
     */
    public void addOnes(long nowNanos, int[] cells) {
        int base = bucket(nowNanos);
        for (int cell : cells) {
            total.incrementAndGet(cell);
            if (base >= 0) {
                ring.incrementAndGet(base + 1 + cell);
            }
        }
    }

    /**
     * @return where the bucket of {@code nowNanos}'s period starts in the ring, claimed (and zeroed) for that period if
     *         it held an older one; -1 when it has come round to a later period (an add counted long after)
     */
    private int bucket(long nowNanos) {
        long period = Math.floorDiv(nowNanos, BUCKET_NANOS);
        int base = Math.floorMod(period, BUCKETS) * (width + 1);
        long seen = ring.get(base);
        if (seen != period) {
            if (seen > period) {
                return -1; // a batch scored long ago, counted after its bucket came round again
            } else if (ring.compareAndSet(base, seen, period)) {
                for (int i = 1; i <= width; i++) {
                    ring.set(base + i, 0);
                }
            }
        }
        return base;
    }

    /** @return the counts since start */
    public long[] sinceStart() {
        long[] out = new long[width];
        for (int i = 0; i < width; i++) {
            out[i] = total.get(i);
        }
        return out;
    }

    /** @return the counts of the last {@link #WINDOW_SECONDS} seconds up to {@code nowNanos} */
    public long[] recent(long nowNanos) {
        long period = Math.floorDiv(nowNanos, BUCKET_NANOS);
        long[] out = new long[width];
        for (int b = 0; b < BUCKETS; b++) {
            int base = b * (width + 1);
            long at = ring.get(base);
            if (at == NO_PERIOD || at > period || at <= period - BUCKETS) {
                continue; // unused, or older than the window
            }
            for (int i = 0; i < width; i++) {
                out[i] += ring.get(base + 1 + i);
            }
        }
        return out;
    }
}
