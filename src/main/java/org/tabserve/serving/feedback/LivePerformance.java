package org.tabserve.serving.feedback;

/**
 * One model version's live performance sums over the last {@link FeedbackMonitor#WINDOW_NANOS}, in twelve buckets of
 * five minutes rotated by time, and since it was loaded: the rows it scored and their summed {@link Confidence} (the
 * estimate without labels), and the labels joined to its answers (how many, how many were right, the summed absolute
 * error) or not (unknown, expired, duplicate, refused). Sums of doubles, so one small lock rather than atomic longs; it is
 * taken once per scored batch and once per feedback request.
 */
public final class LivePerformance {

    /** The figures each bucket sums, in this order. */
    public enum Sum {
        SCORED,
        CONFIDENCE,
        LABELLED,
        CORRECT,
        ABSOLUTE_ERROR,
        UNKNOWN,
        EXPIRED,
        DUPLICATE,
        REFUSED
    }

    private static final int BUCKETS = 12;
    private static final long BUCKET_NANOS = FeedbackMonitor.WINDOW_NANOS / BUCKETS;
    private static final int WIDTH = Sum.values().length;

    private final long[] periods = new long[BUCKETS]; // guarded by this
    private final double[] buckets = new double[BUCKETS * WIDTH]; // guarded by this
    private final double[] total = new double[WIDTH]; // guarded by this

    LivePerformance() {
        java.util.Arrays.fill(periods, Long.MIN_VALUE);
    }

    /** Adds {@code amounts} (one per {@link Sum}, in its order) at time {@code now}. */
    synchronized void add(long now, double... amounts) {
        long period = Math.floorDiv(now, BUCKET_NANOS);
        int bucket = Math.floorMod(period, BUCKETS);
        if (periods[bucket] != period) {
            periods[bucket] = period;
            java.util.Arrays.fill(buckets, bucket * WIDTH, bucket * WIDTH + WIDTH, 0);
        }
        for (int i = 0; i < amounts.length; i++) {
            buckets[bucket * WIDTH + i] += amounts[i];
            total[i] += amounts[i];
        }
    }

    /** @return the sums of the window up to {@code now}, one per {@link Sum} */
    synchronized double[] recent(long now) {
        long period = Math.floorDiv(now, BUCKET_NANOS);
        double[] out = new double[WIDTH];
        for (int b = 0; b < BUCKETS; b++) {
            if (periods[b] > period - BUCKETS && periods[b] <= period) {
                for (int i = 0; i < WIDTH; i++) {
                    out[i] += buckets[b * WIDTH + i];
                }
            }
        }
        return out;
    }

    /** @return the sums since the version was loaded */
    synchronized double[] sinceStart() {
        return total.clone();
    }
}
