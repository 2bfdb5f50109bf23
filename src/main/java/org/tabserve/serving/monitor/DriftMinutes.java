package org.tabserve.serving.monitor;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One model version's worst drift (the highest PSI of its inputs over the last hour) minute by minute over the last
 * hour, for the models page's drift sparkline, which the live profile (a sliding window, one figure now) cannot give.
 *
 * <p>Sampled when asked, not by a timer: whoever computes the version's worst drift anyway hands it here (the models
 * page at each of its refreshes, {@code GET /api/models}, and each {@code /metrics} scrape, which scores every input
 * for its gauge), and the minute keeps the highest of its samples. So it needs no thread of its own and costs the
 * requests' path nothing (a sample takes a snapshot of the profile, a few lists; done on a request it would allocate
 * there); a minute in which nothing asked (no page open, no Prometheus scraping) has no sample and is shown as a gap,
 * which is what it is: nobody measured. A ring of {@link RecentRequests#HOUR_BUCKETS} minutes, each its period and
 * its PSI's bits in one {@link AtomicLongArray}; a minute's slot is reused when its period comes round, as
 * {@link RecentRequests} does.
 */
final class DriftMinutes {

    private static final int MINUTES = RecentRequests.HOUR_BUCKETS;
    private static final long MINUTE_NANOS = RecentRequests.HOUR_BUCKET_SECONDS * 1_000_000_000L;
    private static final long NO_PERIOD = Long.MIN_VALUE;
    private static final long NO_SAMPLE = Double.doubleToRawLongBits(Double.NaN);

    /** Per minute: its period, then its highest PSI's bits (NaN before a sample). */
    private final AtomicLongArray cells = new AtomicLongArray(MINUTES * 2);

    DriftMinutes() {
        for (int m = 0; m < MINUTES; m++) {
            cells.set(2 * m, NO_PERIOD);
            cells.set(2 * m + 1, NO_SAMPLE);
        }
    }

    /**
     * Keeps {@code psi} for the minute of {@code nowNanos} if it is the highest sampled in it.
     *
     * @param nowNanos when, on {@link System#nanoTime()}'s scale
     * @param psi      the worst drift now; NaN (no input has a score yet) is no sample
     */
    void sample(long nowNanos, double psi) {
        if (Double.isNaN(psi)) {
            return;
        }
        long period = Math.floorDiv(nowNanos, MINUTE_NANOS);
        int at = 2 * Math.floorMod(period, MINUTES);
        long seen = cells.get(at);
        if (seen != period) {
            if (seen > period) {
                return; // a sample taken before its minute's slot came round again
            }
            if (cells.compareAndSet(at, seen, period)) {
                cells.set(at + 1, NO_SAMPLE);
            }
        }
        long before = cells.get(at + 1);
        while (Double.isNaN(Double.longBitsToDouble(before)) || Double.longBitsToDouble(before) < psi) {
            if (cells.compareAndSet(at + 1, before, Double.doubleToRawLongBits(psi))) {
                return;
            }
            before = cells.get(at + 1);
        }
    }

    /**
     * @return the highest PSI sampled in each of the last {@link RecentRequests#HOUR_BUCKETS} minutes up to
     *         {@code nowNanos}, oldest first, the last the minute under way; NaN where none was
     */
    List<Double> minutes(long nowNanos) {
        long period = Math.floorDiv(nowNanos, MINUTE_NANOS);
        List<Double> out = new ArrayList<>(MINUTES);
        for (long p = period - MINUTES + 1; p <= period; p++) {
            int at = 2 * Math.floorMod(p, MINUTES);
            out.add(cells.get(at) == p ? Double.longBitsToDouble(cells.get(at + 1)) : Double.NaN);
        }
        return out;
    }
}
