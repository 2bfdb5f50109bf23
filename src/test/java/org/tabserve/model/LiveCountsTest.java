package org.tabserve.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/** The live counters' hour window rotates by the clock it is given, while the since-start counts keep everything. */
class LiveCountsTest {

    private static final long MINUTE = 60_000_000_000L;

    @Test
    void theWindowKeepsTheLastHourAndDropsOlderBuckets() {
        LiveCounts counts = new LiveCounts(2);
        long start = 1_000 * MINUTE;
        counts.add(start, new long[] {1, 0});
        counts.add(start + 30 * MINUTE, new long[] {0, 2});
        assertArrayEquals(new long[] {1, 2}, counts.recent(start + 30 * MINUTE));
        // 65 minutes on, the first bucket (5 minutes wide) has left the window; the second has not
        assertArrayEquals(new long[] {0, 2}, counts.recent(start + 65 * MINUTE));
        // two hours on, nothing is recent, and a bucket that comes round again starts from zero
        counts.add(start + 120 * MINUTE, new long[] {5, 0});
        assertArrayEquals(new long[] {5, 0}, counts.recent(start + 120 * MINUTE));
        assertArrayEquals(new long[] {6, 2}, counts.sinceStart());
    }

    @Test
    void aLateBatchWhoseBucketHasComeRoundAgainCountsSinceStartOnly() {
        LiveCounts counts = new LiveCounts(1);
        long start = 1_000 * MINUTE;
        counts.add(start + 60 * MINUTE, new long[] {1}); // the same bucket of the ring as start
        counts.add(start, new long[] {4});
        assertArrayEquals(new long[] {1}, counts.recent(start + 60 * MINUTE));
        assertArrayEquals(new long[] {5}, counts.sinceStart());
    }
}
