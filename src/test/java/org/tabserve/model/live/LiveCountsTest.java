package org.tabserve.model.live;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/**
 * The live counters' hour window rotates by the clock it is given, while the since-start counts keep everything; a
 * single row's ones count as a delta of ones would.
 */
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

    /** A single row is counted by its own path, {@link LiveCounts#addOnes}, with no delta of every counter. */
    @Test
    void addingOnesIsAddingADeltaOfOnesAtThoseCounters() {
        LiveCounts ones = new LiveCounts(6);
        LiveCounts delta = new LiveCounts(6);
        long bucket = LiveCounts.BUCKET_SECONDS * 1_000_000_000L;
        ones.addOnes(5, new int[] {0, 3, 5});
        delta.add(5, new long[] {1, 0, 0, 1, 0, 1});
        ones.addOnes(bucket + 5, new int[] {1, 3});
        delta.add(bucket + 5, new long[] {0, 1, 0, 1, 0, 0});
        // An add counted after its bucket came round to a later period: since start only, as add does.
        ones.addOnes(5 - LiveCounts.BUCKETS * bucket + bucket, new int[] {2});
        delta.add(5 - LiveCounts.BUCKETS * bucket + bucket, new long[] {0, 0, 1, 0, 0, 0});
        assertArrayEquals(delta.sinceStart(), ones.sinceStart());
        assertArrayEquals(delta.recent(bucket + 5), ones.recent(bucket + 5));
        assertArrayEquals(new long[] {1, 1, 1, 2, 0, 1}, ones.sinceStart());
        assertArrayEquals(new long[] {1, 1, 0, 2, 0, 1}, ones.recent(bucket + 5));
    }
}
