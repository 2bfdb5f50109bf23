package org.tabserve.model.trees.xgboost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import ml.dmlc.xgboost4j.java.Booster;
import org.junit.jupiter.api.Test;
import org.tabserve.model.trees.TrainedForest;

/**
 * The flat layout of number-split trees ({@link FlatTrees}) reaches the leaves XGBoost reaches: its keys order floats
 * as float's {@code <} does (−0 equal to +0, the infinities, the smallest and largest); and a booster trained by
 * xgboost4j 3.4.0 (depth 6, 40 trees, rows of values often exactly 0 or −0) gives, on rows without a missing value
 * whose values are every split threshold, the floats beside each, ±0 and ±{@code Float.MAX_VALUE} (XGBoost refuses
 * infinities), Booster.predict's margins to the bit.
 */
class FlatTreesTest {

    @Test
    void keysOrderFloatsAsFloatComparisonDoes() {
        List<Float> values = new ArrayList<>(List.of(
                -0.0f,
                0.0f,
                Float.MIN_VALUE,
                -Float.MIN_VALUE,
                Float.MIN_NORMAL,
                -Float.MIN_NORMAL,
                1f,
                -1f,
                Float.MAX_VALUE,
                -Float.MAX_VALUE,
                Float.POSITIVE_INFINITY,
                Float.NEGATIVE_INFINITY,
                0.5f,
                Math.nextUp(0.5f),
                Math.nextDown(0.5f),
                -0.5f,
                Math.nextUp(-0.5f),
                Math.nextDown(-0.5f)));
        Random random = new Random(92);
        for (int i = 0; i < 400; i++) {
            values.add(Float.intBitsToFloat(random.nextInt()));
            values.add((float) random.nextGaussian());
        }
        values.removeIf(v -> v.isNaN());
        for (float a : values) {
            for (float b : values) {
                assertEquals(a < b, FlatTrees.key(a) < FlatTrees.key(b), a + " < " + b);
            }
        }
    }

    @Test
    void rowsAtEveryThresholdReachXgboostsLeaves() throws Exception {
        Random random = new Random(5);
        float[][] x = new float[300][Xgb4j.FEATURES];
        for (float[] row : x) {
            for (int f = 0; f < row.length; f++) {
                int pick = random.nextInt(4);
                row[f] = pick == 0 ? 0.0f : pick == 1 ? -0.0f : (float) random.nextGaussian();
            }
        }
        float[] y = new float[x.length];
        for (int r = 0; r < x.length; r++) {
            y[r] = x[r][0] + x[r][1] * x[r][2] - x[r][3] + 0.2f * x[r][4] > 0 ? 1 : 0;
        }
        Booster booster = Xgb4j.train(x, y, null, Map.of("objective", "binary:logistic", "max_depth", 6), 40);
        TrainedForest forest = Xgb4j.read(booster, "json");

        TreeSet<Float> points = new TreeSet<>(List.of(0.0f, -0.0f, Float.MAX_VALUE, -Float.MAX_VALUE));
        String json = new String(booster.toByteArray("json"), StandardCharsets.UTF_8);
        Matcher lists = Pattern.compile("\"split_conditions\":\\[([^\\]]*)\\]").matcher(json);
        while (lists.find()) {
            for (String v : lists.group(1).split(",")) {
                float t = Float.parseFloat(v);
                points.add(t);
                points.add(Math.nextUp(t));
                points.add(Math.nextDown(t));
            }
        }
        points.removeIf(v -> v.isInfinite()); // XGBoost's DMatrix refuses them
        List<Float> all = new ArrayList<>(points);
        float[][] rows = new float[all.size() * 3][Xgb4j.FEATURES];
        for (int r = 0; r < rows.length; r++) {
            for (int f = 0; f < Xgb4j.FEATURES; f++) {
                // every point in every feature, in three different mixes of the others
                rows[r][f] = all.get((r + f * (1 + r / all.size()) * 7) % all.size());
            }
        }
        float[][] margins = booster.predict(Xgb4j.matrix(rows, null), true);
        int zeros = 0;
        for (int r = 0; r < rows.length; r++) {
            double[] m = new double[1];
            forest.margins(Xgb4j.row(rows[r]), m);
            assertEquals(
                    Float.floatToIntBits(margins[r][0]),
                    Float.floatToIntBits((float) m[0]),
                    "row " + r + " " + java.util.Arrays.toString(rows[r]));
            zeros += rows[r][0] == 0 ? 1 : 0;
        }
        assertTrue(all.size() > 100 && zeros > 0, all.size() + " points");
    }
}
