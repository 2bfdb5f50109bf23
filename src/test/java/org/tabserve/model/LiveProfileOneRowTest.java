package org.tabserve.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A single row is counted by its own path ({@link LiveCounts#addOnes}, no delta of every counter): rows recorded one
 * at a time must count exactly as the same rows recorded as one batch, in both windows and across a bucket's turn.
 */
class LiveProfileOneRowTest {

    private static final ModelSignature SIGNATURE = new ModelSignature(
            List.of(
                    new ModelInput(
                            "x",
                            ValueType.FLOAT,
                            List.of(new Feature("x", ValueType.FLOAT, true, List.of(), false)),
                            2),
                    new ModelInput(
                            "color",
                            ValueType.STRING,
                            List.of(new Feature("color", ValueType.STRING, false, List.of("red", "blue"), false)),
                            2),
                    new ModelInput("y", ValueType.FLOAT, List.of(Feature.number("y")), 2)),
            Task.CLASSIFICATION,
            List.of("a", "b"),
            OutputKind.PROBABILITIES,
            false,
            0);

    private static final ModelCard CARD = new ModelCard(
            "m",
            "1",
            "",
            "",
            Map.of(),
            "",
            Map.of(),
            null,
            Map.of(),
            Map.of(),
            Map.of(
                    "x",
                    new FeatureHistogram(
                            List.of(0.0, 1.0, 2.0, 3.0), Map.of("a", List.of(30, 20, 5), "b", List.of(20, 30, 5)))),
            Map.of(),
            Map.of(
                    "color",
                    new CategoryCounts(
                            new java.util.TreeMap<>(Map.of("a", Map.of("red", 60L), "b", Map.of("blue", 40L))))),
            null,
            Map.of(),
            List.of());

    private static final List<Object[]> ROWS = List.of(
            new Object[] {0.5, "red", 1.0},
            new Object[] {2.0, "green", 0.0},
            new Object[] {-1.0, "blue", 1.0},
            new Object[] {null, "red", 1.0},
            new Object[] {7.0, "purple", 1.0},
            new Object[] {1.5, "blue", 2.0},
            new Object[] {2.5, "red", 3.0});

    @Test
    void rowsOneAtATimeCountAsTheSameRowsInOneBatch() {
        AtomicLong now = new AtomicLong(0);
        LiveProfile single = new LiveProfile(SIGNATURE, CARD, now::get);
        LiveProfile batched = new LiveProfile(SIGNATURE, CARD, now::get);
        for (Object[] row : ROWS) {
            single.record(Batch.of(SIGNATURE, List.<Object[]>of(row)));
        }
        batched.record(Batch.of(SIGNATURE, ROWS));
        assertEquals(batched.snapshot(), single.snapshot());

        // The next bucket of the hour: both windows again, the second batch counted in a bucket claimed anew.
        now.set(LiveCounts.BUCKET_SECONDS * 1_000_000_000L + 1);
        for (Object[] row : ROWS.subList(0, 3)) {
            single.record(Batch.of(SIGNATURE, List.<Object[]>of(row)));
        }
        batched.record(Batch.of(SIGNATURE, ROWS.subList(0, 3)));
        assertEquals(batched.snapshot(), single.snapshot());
        assertEquals(10, single.snapshot().get(0).recent().values());
    }

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
