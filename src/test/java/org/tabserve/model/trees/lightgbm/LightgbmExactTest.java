package org.tabserve.model.trees.lightgbm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.tabserve.model.signature.Task;
import org.tabserve.model.trees.ForestLimits;
import org.tabserve.model.trees.TrainedForest;
import org.tabserve.testing.ForestTraining;

/**
 * Models trained by LightGBM 4.1 itself, read by {@link LightgbmReader} and answered over rows with NaNs, zeros,
 * near-zeros and every threshold with its neighbours: margins and answers equal LightGBM's own predict to the bit.
 */
class LightgbmExactTest {

    private static final int ROWS = 300;
    private static final int COLS = 4;
    private static final String TREES = "num_leaves=12 learning_rate=0.3 min_data_in_leaf=5 max_bin=63 ";

    private static float[] labels(double[] x, java.util.function.DoubleUnaryOperator f) {
        float[] y = new float[ROWS];
        for (int r = 0; r < ROWS; r++) {
            y[r] = (float) f.applyAsDouble(LightgbmFixtures.signal(x, r, COLS));
        }
        return y;
    }

    private static TrainedForest exact(String model, String name) throws Exception {
        TrainedForest forest =
                LightgbmReader.read(model.getBytes(StandardCharsets.UTF_8), "model.txt", ForestLimits.DEFAULT);
        double[] probe = LightgbmFixtures.probe(model, COLS, 11, 120);
        Agreement agreement = Agreement.of(forest, model, probe, COLS);
        System.out.println("LightGBM " + name + ": " + agreement);
        assertEquals(0, agreement.marginsDiffer(), name + " margins: " + agreement);
        assertEquals(0, agreement.answersDiffer(), name + " answers: " + agreement);
        return forest;
    }

    @Test
    void binaryAnswersAsLightgbm() throws Exception {
        double[] x = LightgbmFixtures.data(1, ROWS, COLS, 0.1, 0.1);
        String model = ForestTraining.lightgbmTrain(
                x, ROWS, COLS, labels(x, s -> s > 0.5 ? 1 : 0), "max_bin=63", TREES + "objective=binary", 15);
        TrainedForest forest = exact(model, "binary");
        assertEquals(Task.CLASSIFICATION, forest.task());
        assertEquals(java.util.List.of("0", "1"), forest.classes());
        assertEquals("sigmoid", forest.link());
        assertEquals("LightGBM v4", forest.writtenBy());
        assertEquals("binary sigmoid:1", forest.objective());
        assertEquals("Column_0", forest.features().get(0).name());
    }

    @Test
    void multiclassOfThreeAndFourAnswersAsLightgbm() throws Exception {
        for (int k : new int[] {3, 4}) {
            double[] x = LightgbmFixtures.data(2 + k, ROWS, COLS, 0.1, 0.1);
            String model = ForestTraining.lightgbmTrain(
                    x,
                    ROWS,
                    COLS,
                    labels(x, s -> Math.floorMod((int) Math.floor(s), k)),
                    "max_bin=63",
                    TREES + "objective=multiclass num_class=" + k,
                    8);
            TrainedForest forest = exact(model, "multiclass " + k);
            assertEquals(k, forest.margins());
            assertEquals(k * 8, forest.trees());
            assertEquals("softmax", forest.link());
        }
    }

    @Test
    void multiclassOvaAnswersAsLightgbm() throws Exception {
        double[] x = LightgbmFixtures.data(9, ROWS, COLS, 0.1, 0.1);
        String model = ForestTraining.lightgbmTrain(
                x,
                ROWS,
                COLS,
                labels(x, s -> Math.floorMod((int) Math.floor(s), 3)),
                "max_bin=63",
                TREES + "objective=multiclassova num_class=3",
                8);
        TrainedForest forest = exact(model, "multiclassova");
        assertEquals(java.util.List.of("0", "1", "2"), forest.classes());
    }

    @Test
    void regressionsAnswerAsLightgbm() throws Exception {
        double[] x = LightgbmFixtures.data(4, ROWS, COLS, 0.1, 0.1);
        String[] objectives = {
            "regression", "regression_l1", "huber", "quantile", "poisson", "gamma", "tweedie", "cross_entropy"
        };
        for (String objective : objectives) {
            java.util.function.DoubleUnaryOperator label = switch (objective) {
                case "poisson", "gamma", "tweedie" -> s -> Math.exp(s / 3);
                case "cross_entropy" -> s -> 1 / (1 + Math.exp(-s));
                default -> s -> s;
            };
            String model = ForestTraining.lightgbmTrain(
                    x, ROWS, COLS, labels(x, label), "max_bin=63", TREES + "objective=" + objective, 10);
            TrainedForest forest = exact(model, objective);
            assertEquals(Task.REGRESSION, forest.task());
            assertTrue(forest.classes().isEmpty());
        }
    }

    @Test
    void randomForestAveragesAsLightgbm() throws Exception {
        double[] x = LightgbmFixtures.data(5, ROWS, COLS, 0.1, 0.1);
        String model = ForestTraining.lightgbmTrain(
                x,
                ROWS,
                COLS,
                labels(x, s -> s > 0.5 ? 1 : 0),
                "max_bin=63",
                TREES + "objective=binary boosting=rf bagging_freq=1 bagging_fraction=0.6 feature_fraction=0.8",
                12);
        TrainedForest forest = exact(model, "rf binary");
        assertEquals("true", forest.facts().get("average_output"));
        assertEquals("rf", forest.facts().get("boosting"));
        String regression = ForestTraining.lightgbmTrain(
                x,
                ROWS,
                COLS,
                labels(x, s -> s),
                "max_bin=63",
                TREES + "objective=regression boosting=rf bagging_freq=1 bagging_fraction=0.6",
                12);
        exact(regression, "rf regression");
    }

    @Test
    void missingValueModesAnswerAsLightgbm() throws Exception {
        double[] x = LightgbmFixtures.data(6, ROWS, COLS, 0.2, 0.2);
        for (String mode : new String[] {"use_missing=false", "zero_as_missing=true", "use_missing=true"}) {
            String model = ForestTraining.lightgbmTrain(
                    x, ROWS, COLS, labels(x, s -> s), "max_bin=63 " + mode, TREES + "objective=regression " + mode, 10);
            exact(model, "regression " + mode);
        }
    }

    @Test
    void linearTreesAnswerAsLightgbm() throws Exception {
        double[] x = LightgbmFixtures.data(7, ROWS, COLS, 0.1, 0.1);
        String model = ForestTraining.lightgbmTrain(
                x,
                ROWS,
                COLS,
                labels(x, s -> s),
                "max_bin=63 linear_tree=true",
                TREES + "objective=regression linear_tree=true",
                8);
        assertTrue(model.contains("is_linear=1"), "LightGBM wrote linear trees");
        TrainedForest forest = exact(model, "linear_tree");
        assertTrue(forest.walk().isEmpty(), "no TreeSHAP walk for linear leaves");
        assertEquals("true", forest.facts().get("linear_tree"));
    }
}
