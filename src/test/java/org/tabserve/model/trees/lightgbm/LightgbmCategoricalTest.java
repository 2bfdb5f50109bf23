package org.tabserve.model.trees.lightgbm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tabserve.model.trees.ForestFeature;
import org.tabserve.model.trees.ForestFormatException;
import org.tabserve.model.trees.ForestLimits;
import org.tabserve.model.trees.TrainedForest;
import org.tabserve.model.trees.TreeWalk;
import org.tabserve.testing.ForestTraining;

/**
 * Categorical features (LightGBM's {@code categorical_feature}, its bitset splits): answers equal LightGBM's to the bit
 * for codes, negative and fractional codes, codes past every bitset and NaN; a {@code pandas_categorical:} line
 * appended as LightGBM's Python package does gives each categorical feature its strings in code order.
 */
class LightgbmCategoricalTest {

    private static final int ROWS = 400;
    private static final int COLS = 4;

    /** Columns: a number, a category of 12 codes, a category of 5 codes, a number. */
    private static double[] data() {
        Random random = new Random(21);
        double[] x = new double[ROWS * COLS];
        for (int r = 0; r < ROWS; r++) {
            x[r * COLS] = random.nextGaussian();
            x[r * COLS + 1] = random.nextDouble() < 0.05 ? Double.NaN : random.nextInt(12);
            x[r * COLS + 2] = random.nextInt(5);
            x[r * COLS + 3] = random.nextDouble() < 0.1 ? 0.0 : random.nextGaussian();
        }
        return x;
    }

    private static float[] labels(double[] x) {
        float[] y = new float[ROWS];
        for (int r = 0; r < ROWS; r++) {
            double code = x[r * COLS + 1];
            double effect = Double.isNaN(code) ? 0.5 : ((int) code % 3 == 0 ? 2 : (int) code % 4 == 1 ? -1.5 : 0);
            y[r] = (float) (effect + x[r * COLS] + (x[r * COLS + 2] == 3 ? 1.2 : 0) > 0.3 ? 1 : 0);
        }
        return y;
    }

    private static String train(String boosterParams) throws Exception {
        double[] x = data();
        return ForestTraining.lightgbmTrain(
                x,
                ROWS,
                COLS,
                labels(x),
                "max_bin=63 categorical_feature=1,2 min_data_per_group=5" + " cat_smooth=1 max_cat_to_onehot=2",
                "objective=binary num_leaves=10 learning_rate=0.3"
                        + " min_data_in_leaf=5 min_data_per_group=5 cat_smooth=1 max_cat_to_onehot=2 " + boosterParams,
                12);
    }

    /** Rows whose categories run over every code, negatives, fractions, codes past the bitsets and NaN. */
    private static double[] probe() {
        double[] values = {
            Double.NaN,
            -1,
            -0.5,
            -0.0,
            0,
            0.5,
            0.99,
            1,
            2,
            2.7,
            3,
            4,
            5,
            6,
            7,
            8,
            9,
            10,
            11,
            12,
            31,
            32,
            33,
            63,
            64,
            1000,
            1e10,
            1e300,
            Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY,
            1e-36
        };
        double[] base = data();
        List<double[]> rows = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            for (int j = 0; j < values.length; j += 3) {
                double[] row = java.util.Arrays.copyOfRange(base, (i * 7 % ROWS) * COLS, (i * 7 % ROWS) * COLS + COLS);
                row[1] = values[i];
                row[2] = values[j];
                rows.add(row);
            }
        }
        double[] flat = new double[rows.size() * COLS];
        for (int r = 0; r < rows.size(); r++) {
            System.arraycopy(rows.get(r), 0, flat, r * COLS, COLS);
        }
        return flat;
    }

    @Test
    void categoricalSplitsAnswerAsLightgbm() throws Exception {
        String model = train("");
        assertTrue(model.contains("cat_threshold="), "LightGBM made categorical splits");
        Agreement agreement = Agreement.of(model, probe(), COLS);
        System.out.println("LightGBM categorical: " + agreement);
        assertEquals(0, agreement.marginsDiffer(), agreement.toString());
        assertEquals(0, agreement.answersDiffer(), agreement.toString());
        TrainedForest forest = read(model);
        List<ForestFeature> features = forest.features();
        assertFalse(features.get(0).categorical());
        assertTrue(features.get(1).categorical());
        assertTrue(features.get(2).categorical());
        assertFalse(features.get(1).text(), "without pandas_categorical a category is its integer code");
    }

    @Test
    void pandasCategoricalGivesEachCategoricalFeatureItsStrings() throws Exception {
        for (String params : new String[] {"", "categorical_feature=1,2"}) {
            String model = train(params);
            List<String> colors = List.of(
                    "red",
                    "green",
                    "blue",
                    "cyan",
                    "magenta",
                    "yellow",
                    "black",
                    "white",
                    "gr\u00e9y",
                    "a \"quoted\" one",
                    "tab\there",
                    "last");
            String pandas = "\npandas_categorical:[[\"red\", \"green\", \"blue\", \"cyan\", \"magenta\", \"yellow\","
                    + " \"black\", \"white\", \"gr\\u00e9y\", \"a \\\"quoted\\\" one\", \"tab\\there\", \"last\"],"
                    + " [1, 5, 7, 9, 11]]\n";
            TrainedForest forest = read(model + pandas);
            assertEquals(colors, forest.features().get(1).categories());
            assertEquals(
                    List.of("1", "5", "7", "9", "11"), forest.features().get(2).categories());
            assertTrue(forest.features().get(1).text());
            assertTrue(forest.features().get(0).categories().isEmpty());
            // a row names "blue" by its index in categories(): the code LightGBM's trees were trained on for it
            TrainedForest codes = read(model);
            double[] probe = probe();
            double[] a = new double[2];
            double[] b = new double[2];
            for (int r = 0; r < probe.length / COLS; r++) {
                double[] row = java.util.Arrays.copyOfRange(probe, r * COLS, r * COLS + COLS);
                forest.answer(row, a);
                codes.answer(row, b);
                assertEquals(Double.doubleToLongBits(b[1]), Double.doubleToLongBits(a[1]));
            }
            if (params.isEmpty()) {
                assertTrue(Agreement.of(forest, model, probe, COLS).marginsDiffer() == 0);
            }
        }
    }

    @Test
    void pandasCategoricalOfTheWrongShapeIsRefused() throws Exception {
        String model = train("");
        ForestFormatException e = assertThrows(
                ForestFormatException.class, () -> read(model + "\npandas_categorical:[[\"a\", \"b\"]]\n"));
        assertTrue(e.getMessage().contains("pandas_categorical"), e.getMessage());
        e = assertThrows(
                ForestFormatException.class, () -> read(model + "\npandas_categorical:[[\"a\", \"b\"], [\"c\"\n"));
        assertTrue(e.getMessage().contains("pandas_categorical"), e.getMessage());
        e = assertThrows(
                ForestFormatException.class, () -> read(model + "\npandas_categorical:[[\"a\", \"a\"], [1]]\n"));
        assertTrue(e.getMessage().contains("pandas_categorical"), e.getMessage());
        assertTrue(read(model + "\npandas_categorical:null\n")
                .features()
                .get(1)
                .categories()
                .isEmpty());
    }

    @Test
    void walkFollowsLightgbmsBranchesToTheMargin() throws Exception {
        String model = train("");
        TrainedForest forest = read(model);
        TreeWalk walk = forest.walk().orElseThrow();
        assertEquals(forest.trees(), walk.trees());
        double[] probe = probe();
        double[] margins = new double[1];
        for (int r = 0; r < probe.length / COLS; r++) {
            double[] row = java.util.Arrays.copyOfRange(probe, r * COLS, r * COLS + COLS);
            forest.margins(row, margins);
            double sum = 0;
            for (int t = 0; t < walk.trees(); t++) {
                int node = walk.root(t);
                while (!walk.isLeaf(node)) {
                    node = walk.child(node, row[walk.feature(node)]);
                }
                sum += walk.leafValue(node);
            }
            assertEquals(Double.doubleToLongBits(margins[0]), Double.doubleToLongBits(sum), "row " + r);
        }
    }

    private static TrainedForest read(String model) {
        return LightgbmReader.read(model.getBytes(StandardCharsets.UTF_8), "model.txt", ForestLimits.DEFAULT);
    }
}
