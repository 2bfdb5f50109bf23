package org.tabserve.model.trees.xgboost;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.tabserve.model.trees.ForestLimits;
import org.tabserve.model.trees.TrainedForest;

/**
 * Trains small seeded XGBoost models with xgboost4j 3.4.0 (the real library) for the tests, and predicts with them.
 */
final class Xgb4j {

    static final int ROWS = 240;
    static final int FEATURES = 5;

    /** The training rows: seeded, about one value in eight missing, feature 1 a small code (0..5) for categories. */
    static float[][] rows(long seed) {
        Random random = new Random(seed);
        float[][] x = new float[ROWS][FEATURES];
        for (int r = 0; r < ROWS; r++) {
            for (int f = 0; f < FEATURES; f++) {
                x[r][f] = f == 1 ? random.nextInt(6) : (float) random.nextGaussian();
                if (random.nextInt(8) == 0) {
                    x[r][f] = Float.NaN;
                }
            }
        }
        return x;
    }

    /** A label per row for the objective: classes, counts, positive values or probabilities. */
    static float[] labels(float[][] x, String objective, int classes, long seed) {
        Random random = new Random(seed + 1);
        float[] y = new float[x.length];
        for (int r = 0; r < x.length; r++) {
            double s = nz(x[r][0]) + 0.5 * nz(x[r][1]) - nz(x[r][2]) * nz(x[r][3]) + 0.3 * random.nextGaussian();
            y[r] = switch (objective) {
                case "binary:logistic", "binary:logitraw" -> s > 0.8 ? 1 : 0;
                case "multi:softprob", "multi:softmax" -> (int) Math.floorMod((long) Math.floor(s * 1.3), classes);
                case "count:poisson" -> (float) Math.floor(Math.exp(0.4 * s));
                case "reg:gamma", "reg:tweedie" -> (float) Math.exp(0.3 * s);
                case "reg:logistic" -> (float) (1 / (1 + Math.exp(-s)));
                default -> (float) s;
            };
        }
        return y;
    }

    private static double nz(float v) {
        return Float.isNaN(v) ? 0 : v;
    }

    static DMatrix matrix(float[][] x, String[] types) throws XGBoostError {
        float[] flat = new float[x.length * FEATURES];
        for (int r = 0; r < x.length; r++) {
            System.arraycopy(x[r], 0, flat, r * FEATURES, FEATURES);
        }
        DMatrix m = new DMatrix(flat, x.length, FEATURES, Float.NaN);
        if (types != null) {
            m.setFeatureTypes(types);
        }
        return m;
    }

    static Booster train(float[][] x, float[] y, String[] types, Map<String, Object> extra, int rounds)
            throws XGBoostError {
        DMatrix train = matrix(x, types);
        train.setLabel(y);
        Map<String, Object> params = new HashMap<>();
        params.put("max_depth", 3);
        params.put("eta", 0.3);
        params.put("seed", 7);
        params.put("nthread", 1);
        params.put("tree_method", "hist");
        params.putAll(extra);
        return XGBoost.train(train, params, rounds, new HashMap<>(), null, null);
    }

    static TrainedForest read(Booster booster, String format) throws XGBoostError {
        return XgboostReader.read(booster.toByteArray(format), "model." + format, ForestLimits.DEFAULT);
    }

    static double[] row(float[] x) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i];
        }
        return out;
    }

    private Xgb4j() {}
}
