package org.tabserve.model.conformal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tabserve.model.signature.Background;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.Feature;
import org.tabserve.model.signature.ModelInput;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.model.signature.OutputKind;
import org.tabserve.model.signature.Task;
import org.tabserve.model.signature.ValueType;

/**
 * Issue 51, item 4: a row's novelty distance and p-value. An extreme value is far from every background row, those
 * with that input missing too (an age of 400 was at distance 1 from a row whose age was missing, and so as usual as
 * most calibration rows); a category no background row has is far as well; and a p-value counts the calibration
 * scores equal to the row's as as far, even when the same distance came out a hair apart in floating point.
 */
class NoveltyDistanceTest {

    private static final ModelSignature SIGNATURE = new ModelSignature(
            List.of(
                    new ModelInput(
                            "age",
                            ValueType.FLOAT,
                            List.of(new Feature("age", ValueType.FLOAT, true, List.of(), false)),
                            2),
                    new ModelInput(
                            "sex",
                            ValueType.STRING,
                            List.of(new Feature("sex", ValueType.STRING, false, List.of(), false)),
                            2)),
            Task.CLASSIFICATION,
            List.of("0", "1"),
            OutputKind.PROBABILITIES,
            false,
            0);

    /** Ages 20 to 59 for both sexes, and every tenth row with its age missing, as in the titanic data. */
    private static Background background() {
        List<List<Object>> rows = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            rows.add(Arrays.asList(i % 10 == 0 ? null : 20.0 + i / 2, i % 2 == 0 ? "male" : "female"));
        }
        return new Background(List.of("age", "sex"), rows, 1, rows.size());
    }

    private static double distance(NoveltyDistance distance, Object age, String sex) {
        return distance.of(Batch.of(SIGNATURE, List.<Object[]>of(new Object[] {age, sex})), 0);
    }

    @Test
    void anExtremeValueIsFarFromEveryBackgroundRowThoseWithItMissingToo() {
        NoveltyDistance distance = new NoveltyDistance(SIGNATURE, background(), Map.of("age", 10.0));
        assertEquals(0, distance(distance, 31.0, "male"), 1e-12, "a row of the background");
        double extreme = distance(distance, 400.0, "male");
        // Before: 1.0, the distance to a background row whose age is missing.
        assertTrue(extreme > 30, "an age of 400 is " + extreme + " from the nearest row");
        assertTrue(distance(distance, 4000.0, "male") > extreme, "and 4000 farther still");
        assertTrue(distance(distance, null, "male") <= 1, "a missing age is as near as the background's missing ones");
    }

    @Test
    void aCategoryNoBackgroundRowHasIsFar() {
        NoveltyDistance distance = new NoveltyDistance(SIGNATURE, background(), Map.of("age", 10.0));
        double unknown = distance(distance, 31.0, "unknown");
        // Before: 1.0, as near as a row of the other sex.
        assertEquals(NoveltyDistance.UNSEEN, unknown, 1e-12);
        assertEquals(0, distance(distance, 31.0, "female"), 1e-12);
    }

    @Test
    void aPValueCountsEqualScoresAsFarEvenAHairApart() {
        Conformal.Novelty novelty = new Conformal.Novelty(0.01, Map.of(), new double[] {0.3, 1, 2});
        // (1 + #{d_i >= d}) / (n + 1): the same distance summed in another order is 0.1 + 0.2 = 0.30000000000000004,
        // and all three scores are as far. Before: 3/4, the first score taken as nearer.
        assertEquals(1.0, novelty.pValue(0.1 + 0.2), 1e-12);
        assertEquals(3 / 4.0, novelty.pValue(0.5), 1e-12);
        assertEquals(1 / 4.0, novelty.pValue(2.5), 1e-12);
    }
}
