package org.tabserve.serving.monitor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One model's requests of a recent window, for the models page: how many, how many failed, and their p50 and p99
 * latency, which the Prometheus series (counters since start) cannot say without a Prometheus server to query them;
 * as a whole (the last five minutes) or bucket by bucket (the last hour by minute, {@link #lastHour()}, for the
 * page's sparklines).
 *
 * <p>A fixed ring of buckets ({@link #BUCKETS} of {@link #BUCKET_SECONDS} seconds for the five minutes,
 * {@link #HOUR_BUCKETS} of a minute for the hour), every bucket a request count,
 * an error count and a latency histogram of fixed bounds ({@link #BOUNDS}: ten a decade from 0.1 ms to 100 s), all in
 * one {@link AtomicLongArray}. Recording a request is a few atomic adds: no lock and no allocation, so that it costs
 * the single-row path nothing it would notice. A bucket is reused when its period comes round again: the first
 * request of the new period claims it (compare-and-set of its period) and zeroes it; a request another thread records
 * into it during those few instructions may be lost, a miss of one in millions, which a page of rounded figures
 * does not show.
 */
public final class RecentRequests {

    /** Seconds one bucket of the five minutes' ring covers. */
    public static final int BUCKET_SECONDS = 10;
    /** Buckets in the five minutes' ring: {@link #WINDOW_SECONDS} together. */
    static final int BUCKETS = 30;
    /** The window the five minutes' ring covers. */
    public static final int WINDOW_SECONDS = BUCKET_SECONDS * BUCKETS;
    /** Buckets in the last hour's ring, of {@link #HOUR_BUCKET_SECONDS} each: one a minute. */
    public static final int HOUR_BUCKETS = 60;
    /** Seconds one bucket of the last hour's ring covers. */
    public static final int HOUR_BUCKET_SECONDS = 60;
    /** The latency histogram's upper bounds in seconds: 10^(k/10) × 0.1 ms, k = 0..60; longer ones fall past them. */
    static final double[] BOUNDS = bounds();
    /** The last bound: a latency past it is said as "over" it. */
    public static final double BOUNDS_MAX_SECONDS = BOUNDS[BOUNDS.length - 1];

    /** Per bucket: its period, requests, errors, then one count per latency bound and one past the last. */
    private static final int PERIOD = 0;

    private static final int REQUESTS = 1;
    private static final int ERRORS = 2;
    private static final int HISTOGRAM = 3;
    private static final int STRIDE = HISTOGRAM + BOUNDS.length + 1;
    private static final long NO_PERIOD = Long.MIN_VALUE;

    private final long bucketNanos;
    private final int buckets;
    private final AtomicLongArray cells;

    /** The ring of the last five minutes: {@link #BUCKETS} buckets of {@link #BUCKET_SECONDS} seconds. */
    public RecentRequests() {
        this(BUCKET_SECONDS, BUCKETS);
    }

    private RecentRequests(int bucketSeconds, int buckets) {
        this.bucketNanos = bucketSeconds * 1_000_000_000L;
        this.buckets = buckets;
        this.cells = new AtomicLongArray(buckets * STRIDE);
        for (int b = 0; b < buckets; b++) {
            cells.set(b * STRIDE + PERIOD, NO_PERIOD);
        }
    }

    /**
     * The ring of the last hour by minute, read with {@link #buckets}: {@link #HOUR_BUCKETS} buckets of
     * {@link #HOUR_BUCKET_SECONDS} seconds, 31 KB (the histogram's 61 bounds in each), kept for each model that has
     * answered a request since it was loaded.
     */
    public static RecentRequests lastHour() {
        return new RecentRequests(HOUR_BUCKET_SECONDS, HOUR_BUCKETS);
    }

    /**
     * Counts one answered request, and times it into the latency histogram.
     *
     * @param nowNanos when, on {@link System#nanoTime()}'s scale (a test passes its own)
     * @param error    whether the answer was an error (a status of 400 or more)
     * @param seconds  how long it took
     */
    public void record(long nowNanos, boolean error, double seconds) {
        record(nowNanos, error, seconds, true);
    }

    /**
     * Counts one answered request.
     *
     * @param timed whether its latency counts in the window's p50 and p99: not for a model's warm-up
     *              ({@link ModelActivity#WARM_UP_REQUESTS}), whose cold requests say nothing of how it answers
     */
    public void record(long nowNanos, boolean error, double seconds, boolean timed) {
        long period = Math.floorDiv(nowNanos, bucketNanos);
        int base = Math.floorMod(period, buckets) * STRIDE;
        long seen = cells.get(base + PERIOD);
        if (seen != period) {
            if (seen > period) {
                return; // a request that took long, recorded after its bucket came round again: it is older than that
            }
            if (cells.compareAndSet(base + PERIOD, seen, period)) {
                for (int i = REQUESTS; i < STRIDE; i++) {
                    cells.set(base + i, 0);
                }
            }
        }
        cells.incrementAndGet(base + REQUESTS);
        if (error) {
            cells.incrementAndGet(base + ERRORS);
        }
        if (timed) {
            cells.incrementAndGet(base + HISTOGRAM + bucketOf(seconds));
        }
    }

    /** The figures of the whole ring up to {@code nowNanos}: the last {@link #WINDOW_SECONDS} seconds, say. */
    public Window window(long nowNanos) {
        long period = Math.floorDiv(nowNanos, bucketNanos);
        long[] sums = new long[STRIDE];
        for (int b = 0; b < buckets; b++) {
            int base = b * STRIDE;
            long at = cells.get(base + PERIOD);
            if (at == NO_PERIOD || at > period || at <= period - buckets) {
                continue; // unused, or older than the window
            }
            for (int i = REQUESTS; i < STRIDE; i++) {
                sums[i] += cells.get(base + i);
            }
        }
        return figures(sums);
    }

    /**
     * The figures of each bucket of the ring up to {@code nowNanos}, oldest first, the last the bucket under way: for
     * {@link #lastHour()}, {@link #HOUR_BUCKETS} minutes. A bucket nothing was recorded in has no requests.
     */
    public List<Window> buckets(long nowNanos) {
        long period = Math.floorDiv(nowNanos, bucketNanos);
        List<Window> out = new ArrayList<>(buckets);
        long[] cellsOfOne = new long[STRIDE];
        for (long p = period - buckets + 1; p <= period; p++) {
            int base = Math.floorMod(p, buckets) * STRIDE;
            Arrays.fill(cellsOfOne, 0);
            if (cells.get(base + PERIOD) == p) {
                for (int i = REQUESTS; i < STRIDE; i++) {
                    cellsOfOne[i] = cells.get(base + i);
                }
            }
            out.add(figures(cellsOfOne));
        }
        return out;
    }

    /** A window's figures from the sums of its buckets' cells (the period's cell unused). */
    private static Window figures(long[] sums) {
        long[] histogram = Arrays.copyOfRange(sums, HISTOGRAM, STRIDE);
        return new Window(
                sums[REQUESTS],
                sums[ERRORS],
                quantile(histogram, 0.50),
                quantile(histogram, 0.99),
                Arrays.stream(histogram).sum());
    }

    /**
     * A window's figures.
     *
     * @param p50   seconds within which half the timed requests were answered (the upper bound of its histogram
     *              bucket, so at most a quarter over the true value); NaN when none was timed
     * @param p99   likewise for 99 in 100; {@link Double#POSITIVE_INFINITY} when past the last bound
     * @param timed how many of the requests p50 and p99 are of: all but those of a model's warm-up
     */
    public record Window(long requests, long errors, double p50, double p99, long timed) {

        /** A window of no requests. */
        public static final Window NONE = new Window(0, 0, Double.NaN, Double.NaN, 0);
    }

    /** The index of the first bound at or above {@code seconds}: {@link #BOUNDS}{@code .length} past the last. */
    static int bucketOf(double seconds) {
        int at = Arrays.binarySearch(BOUNDS, seconds);
        return at >= 0 ? at : -at - 1; // NaN sorts past every bound
    }

    private static double quantile(long[] histogram, double q) {
        long total = 0;
        for (long count : histogram) {
            total += count;
        }
        if (total == 0) {
            return Double.NaN;
        }
        long rank = (long) Math.ceil(q * total);
        long seen = 0;
        for (int i = 0; i < histogram.length; i++) {
            seen += histogram[i];
            if (seen >= rank) {
                return i < BOUNDS.length ? BOUNDS[i] : Double.POSITIVE_INFINITY;
            }
        }
        return Double.POSITIVE_INFINITY;
    }

    private static double[] bounds() {
        double[] bounds = new double[61];
        for (int k = 0; k < bounds.length; k++) {
            // Rounded to three significant digits, so that the page shows 1.26 ms rather than 1.2589254117941673 ms.
            double exact = 1e-4 * Math.pow(10, k / 10.0);
            bounds[k] = Double.parseDouble(String.format(java.util.Locale.ROOT, "%.3g", exact));
        }
        return bounds;
    }
}
