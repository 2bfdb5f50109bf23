package org.tabserve.model.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.tabserve.model.card.CategoryCounts;
import org.tabserve.model.card.FeatureHistogram;
import org.tabserve.model.card.ModelCard;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.Feature;
import org.tabserve.model.signature.ModelInput;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.model.signature.OutputKind;
import org.tabserve.model.signature.Task;
import org.tabserve.model.signature.ValueType;

/**
 * A live profile counts a batch on the card's bins and categories, rows one at a time as in one batch, and scores drift
 * once it has enough rows.
 */
class LiveProfileTest {

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

    private static final ModelCard CARD = ModelCard.builder("m", "1")
            .histograms(Map.of(
                    "x",
                    new FeatureHistogram(List.of(0.0, 1.0, 2.0), Map.of("a", List.of(30, 20), "b", List.of(20, 30)))))
            .categories(Map.of(
                    "color",
                    new CategoryCounts(
                            new java.util.TreeMap<>(Map.of("a", Map.of("red", 60L), "b", Map.of("blue", 40L))))))
            .build();

    @Test
    void countsBinsOutOfRangeMissingAndUnknownCategories() {
        AtomicLong now = new AtomicLong(0);
        LiveProfile profile = new LiveProfile(SIGNATURE, CARD, now::get);
        profile.record(batch(
                new Object[] {0.5, "red", 1.0},
                new Object[] {2.0, "green", 1.0},
                new Object[] {-1.0, "blue", 1.0},
                new Object[] {null, "red", 1.0},
                new Object[] {7.0, "red", 1.0}));
        List<LiveProfile.LiveFeature> features = profile.snapshot();
        LiveProfile.LiveFeature x = features.get(0);
        assertEquals(LiveKind.HISTOGRAM, x.kind());
        assertEquals(List.of(50.0, 50.0), x.training());
        assertEquals(new LiveProfile.Window(5, 1, 2, 0, List.of(1L, 1L), Double.NaN), x.recent());
        LiveProfile.LiveFeature color = features.get(1);
        assertEquals(LiveKind.CATEGORIES, color.kind());
        assertEquals(List.of("red", "blue"), color.bins());
        assertEquals(new LiveProfile.Window(5, 0, 0, 1, List.of(3L, 1L), Double.NaN), color.sinceStart());
        assertEquals(LiveKind.NONE, features.get(2).kind());
        assertEquals(5, features.get(2).recent().values());
    }

    @Test
    void scoresDriftFromFiftyValuesOnAndForgetsThemAfterAnHour() {
        AtomicLong now = new AtomicLong(0);
        LiveProfile profile = new LiveProfile(SIGNATURE, CARD, now::get);
        List<Object[]> like = new ArrayList<>();
        for (int i = 0; i < 49; i++) {
            like.add(new Object[] {i % 2 == 0 ? 0.5 : 1.5, i % 5 < 3 ? "red" : "blue", 0.0});
        }
        profile.record(batch(like.toArray(Object[][]::new)));
        assertTrue(Double.isNaN(profile.snapshot().get(0).recent().psi()), "49 values are not enough");
        profile.record(batch(new Object[] {0.5, "red", 0.0}));
        assertTrue(profile.snapshot().get(0).recent().psi() < 0.01, "like the training data");
        assertTrue(profile.snapshot().get(1).recent().psi() < 0.01, "like the training data");

        now.set(3_600_000_000_000L + 1);
        List<Object[]> shifted = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            shifted.add(new Object[] {9.0, "green", 0.0});
        }
        profile.record(batch(shifted.toArray(Object[][]::new)));
        LiveProfile.LiveFeature x = profile.snapshot().get(0);
        assertEquals(60, x.recent().values());
        assertEquals(1.0, x.recent().rate(x.recent().outOfRange()));
        assertTrue(
                x.recent().psi() > Psi.LARGE,
                "all above the last edge: " + x.recent().psi());
        assertTrue(x.sinceStart().psi() > Psi.LARGE);
        assertEquals(110, x.sinceStart().values());
        assertEquals(
                1.0,
                profile.snapshot()
                        .get(1)
                        .recent()
                        .rate(profile.snapshot().get(1).recent().unknown()));
    }

    @Test
    void putsEveryNumberInTheBinABinarySearchOfTheEdgesFinds() {
        // Uneven edges, one of them zero and some not exact in a float, and values on, next to and between them.
        List<Double> edges = List.of(-3.7, -1.0, 0.0, 0.1, 0.30000000000000004, 2.5, 100.0);
        ModelCard card = ModelCard.builder("m", "1")
                .histograms(Map.of("x", new FeatureHistogram(edges, Map.of("a", List.of(1, 2, 3, 4, 5, 6)))))
                .build();
        List<Float> values = new ArrayList<>(List.of(0.0f, -0.0f, Float.MIN_VALUE, -Float.MIN_VALUE, 1e-30f));
        for (double edge : edges) {
            float f = (float) edge;
            values.addAll(List.of(f, Math.nextUp(f), Math.nextDown(f), f + 0.05f, f * 0.999f, f * 1.001f));
        }
        java.util.Random random = new java.util.Random(25);
        for (int i = 0; i < 2000; i++) {
            values.add((float) (-4 + random.nextDouble() * 105));
        }
        LiveProfile profile = new LiveProfile(SIGNATURE, card, () -> 0);
        profile.record(batch(
                values.stream().map(v -> new Object[] {(double) v, "red", 0.0}).toArray(Object[][]::new)));

        double[] floatEdges =
                edges.stream().mapToDouble(e -> (float) (double) e).toArray();
        long[] expected = new long[edges.size() - 1];
        long outside = 0;
        for (float v : values) {
            if (v < floatEdges[0] || v > floatEdges[floatEdges.length - 1]) {
                outside++;
                continue;
            }
            int at = java.util.Arrays.binarySearch(floatEdges, v);
            expected[Math.min(at >= 0 ? at : -at - 2, expected.length - 1)]++;
        }
        LiveProfile.Window counted = profile.snapshot().get(0).recent();
        assertEquals(java.util.Arrays.stream(expected).boxed().toList(), counted.counts());
        assertEquals(outside, counted.outOfRange());
    }

    /** A single row is counted by its own path: one at a time, rows count exactly as the same rows in one batch. */
    @Test
    void rowsOneAtATimeCountAsTheSameRowsInOneBatch() {
        List<Object[]> rows = List.of(
                new Object[] {0.5, "red", 1.0},
                new Object[] {2.0, "green", 0.0},
                new Object[] {-1.0, "blue", 1.0},
                new Object[] {null, "red", 1.0},
                new Object[] {7.0, "purple", 1.0},
                new Object[] {1.5, "blue", 2.0},
                new Object[] {2.5, "red", 3.0});
        AtomicLong now = new AtomicLong(0);
        LiveProfile single = new LiveProfile(SIGNATURE, CARD, now::get);
        LiveProfile batched = new LiveProfile(SIGNATURE, CARD, now::get);
        for (Object[] row : rows) {
            single.record(Batch.of(SIGNATURE, List.<Object[]>of(row)));
        }
        batched.record(Batch.of(SIGNATURE, rows));
        assertEquals(batched.snapshot(), single.snapshot());

        // The next bucket of the hour: both windows again, the second batch counted in a bucket claimed anew.
        now.set(LiveCounts.BUCKET_SECONDS * 1_000_000_000L + 1);
        for (Object[] row : rows.subList(0, 3)) {
            single.record(Batch.of(SIGNATURE, List.<Object[]>of(row)));
        }
        batched.record(Batch.of(SIGNATURE, rows.subList(0, 3)));
        assertEquals(batched.snapshot(), single.snapshot());
        assertEquals(10, single.snapshot().get(0).recent().values());
    }

    private static Batch batch(Object[]... rows) {
        return Batch.of(SIGNATURE, List.of(rows));
    }
}
