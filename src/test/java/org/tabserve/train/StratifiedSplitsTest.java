package org.tabserve.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class StratifiedSplitsTest {

    /** 6 rows of class a (two of them identical), 4 of class b. */
    private static final LabeledData DATA = new LabeledData(
            "t.csv",
            "0",
            List.of("x"),
            List.of(
                    new double[] {1},
                    new double[] {2},
                    new double[] {3},
                    new double[] {3},
                    new double[] {5},
                    new double[] {6},
                    new double[] {7},
                    new double[] {8},
                    new double[] {9},
                    new double[] {10}),
            List.of("a", "a", "a", "a", "a", "a", "b", "b", "b", "b"));

    private static final List<Integer> ALL = IntStream.range(0, 10).boxed().toList();

    @Test
    void holdOutKeepsIdenticalRowsOnOneSide() {
        for (long seed = 0; seed < 20; seed++) {
            StratifiedSplits.Split split = StratifiedSplits.holdOut(ALL, DATA, 0.5, seed);
            assertEquals(split.train().contains(2), split.train().contains(3), "seed " + seed);
        }
    }

    @Test
    void holdOutTakesTheFractionOfEachClass() {
        StratifiedSplits.Split split = StratifiedSplits.holdOut(ALL, DATA, 0.5, 7);
        long heldB = split.test().stream()
                .filter(r -> DATA.labels().get(r).equals("b"))
                .count();
        assertEquals(2, heldB);
        assertEquals(10, split.train().size() + split.test().size());
    }

    @Test
    void holdOutDependsOnTheSeedAndOnlyOnIt() {
        assertEquals(StratifiedSplits.holdOut(ALL, DATA, 0.5, 1), StratifiedSplits.holdOut(ALL, DATA, 0.5, 1));
        List<List<Integer>> tests = new ArrayList<>();
        for (long seed = 0; seed < 10; seed++) {
            tests.add(StratifiedSplits.holdOut(ALL, DATA, 0.5, seed).test());
        }
        assertNotEquals(1, tests.stream().distinct().count(), "different seeds should give different splits");
    }

    @Test
    void kFoldTestsEveryRowExactlyOnceAndStratifies() {
        List<StratifiedSplits.Split> folds = StratifiedSplits.kFold(ALL, DATA, 2, 3);
        List<Integer> tested = new ArrayList<>();
        folds.forEach(f -> tested.addAll(f.test()));
        assertEquals(ALL, tested.stream().sorted().toList());
        for (StratifiedSplits.Split fold : folds) {
            assertEquals(
                    2,
                    fold.test().stream()
                            .filter(r -> DATA.labels().get(r).equals("b"))
                            .count());
            assertEquals(10, fold.train().size() + fold.test().size());
        }
    }
}
