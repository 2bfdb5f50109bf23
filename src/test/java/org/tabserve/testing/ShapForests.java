package org.tabserve.testing;

import io.github.metarank.lightgbm4j.LGBMBooster;
import io.github.metarank.lightgbm4j.LGBMBooster.FeatureImportanceType;
import io.github.metarank.lightgbm4j.LGBMDataset;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;

/**
 * Small seeded forests trained by the real libraries (xgboost4j 3.4.0, lightgbm4j 4.1) for the explanation tests:
 * {@value #FEATURES} features, feature 1 a category code (0..5), about one value in eight missing; the models are
 * returned as their own files' bytes, read by tabserve's readers as a served file would be.
 */
public final class ShapForests {

    /** Features of every fixture: few enough for a brute-force Shapley value over every coalition. */
    public static final int FEATURES = 5;

    /** The category column. */
    public static final int CATEGORY = 1;

    private ShapForests() {}

    /** Seeded rows: feature 1 a code 0..5, the others Gaussian; about one value in eight NaN. */
    public static double[][] rows(long seed, int n) {
        Random random = new Random(seed);
        double[][] x = new double[n][FEATURES];
        for (int r = 0; r < n; r++) {
            for (int f = 0; f < FEATURES; f++) {
                x[r][f] = f == CATEGORY ? random.nextInt(6) : (float) random.nextGaussian();
                if (random.nextInt(8) == 0) {
                    x[r][f] = Double.NaN;
                }
            }
        }
        return x;
    }

    /**
     * A label per row: {@code classes} classes (2 for binary), or a regressor's value (classes 0), or a count for
     * Poisson (classes -1); each depends on every feature, the category by its code.
     */
    public static float[] labels(double[][] x, int classes, long seed) {
        Random random = new Random(seed);
        float[] y = new float[x.length];
        for (int r = 0; r < x.length; r++) {
            double code = nz(x[r][CATEGORY]);
            double s = nz(x[r][0])
                    + (code % 3 == 0 ? 1.2 : code == 4 ? -1 : 0)
                    - nz(x[r][2]) * nz(x[r][3])
                    + 0.6 * nz(x[r][4])
                    + 0.3 * random.nextGaussian();
            y[r] = classes == 2
                    ? (s > 0.4 ? 1 : 0)
                    : classes > 2
                            ? (int) Math.floorMod((long) Math.floor(s * 1.3), classes)
                            : classes < 0 ? (float) Math.floor(Math.exp(0.4 * s)) : (float) s;
        }
        return y;
    }

    private static double nz(double v) {
        return Double.isNaN(v) ? 0 : v;
    }

    /** @return XGBoost's JSON model of {@code rounds} rounds, depth 3, feature 1 categorical when asked */
    public static Booster xgboost(double[][] x, float[] y, Map<String, Object> params, boolean categorical, int rounds)
            throws Exception {
        DMatrix train = xgbMatrix(x);
        if (categorical) {
            train.setFeatureTypes(new String[] {"q", "c", "q", "q", "q"});
        }
        train.setLabel(y);
        Map<String, Object> all = new HashMap<>();
        all.put("max_depth", 3);
        all.put("eta", 0.3);
        all.put("seed", 7);
        all.put("nthread", 1);
        all.put("tree_method", "hist");
        all.put("max_cat_to_onehot", 1);
        all.putAll(params);
        return XGBoost.train(train, all, rounds, new HashMap<>(), null, null);
    }

    /** @return the rows as XGBoost's matrix, NaN missing */
    public static DMatrix xgbMatrix(double[][] x) throws Exception {
        float[] flat = new float[x.length * FEATURES];
        for (int r = 0; r < x.length; r++) {
            for (int f = 0; f < FEATURES; f++) {
                flat[r * FEATURES + f] = (float) x[r][f];
            }
        }
        return new DMatrix(flat, x.length, FEATURES, Float.NaN);
    }

    /** @return XGBoost's margins of the rows ({@code output_margin}), {@code margins} a row */
    public static double[][] xgbMargins(Booster booster, double[][] x) throws Exception {
        float[][] m = booster.predict(xgbMatrix(x), true, 0);
        double[][] out = new double[m.length][];
        for (int r = 0; r < m.length; r++) {
            out[r] = new double[m[r].length];
            for (int k = 0; k < m[r].length; k++) {
                out[r][k] = m[r][k];
            }
        }
        return out;
    }

    /** @return the text model LightGBM saves after {@code rounds} iterations of {@code params} */
    public static String lightgbm(double[][] x, float[] y, String datasetParams, String params, int rounds)
            throws Exception {
        String quiet = "verbose=-1 num_threads=1 deterministic=true seed=7 ";
        LGBMDataset dataset = LGBMDataset.createFromMat(flat(x), x.length, FEATURES, true, quiet + datasetParams, null);
        try {
            dataset.setField("label", y);
            LGBMBooster booster =
                    LGBMBooster.create(dataset, quiet + "num_leaves=8 learning_rate=0.3 min_data_in_leaf=5 " + params);
            try {
                for (int i = 0; i < rounds; i++) {
                    booster.updateOneIter();
                }
                return booster.saveModelToString(0, 0, FeatureImportanceType.SPLIT);
            } finally {
                booster.close();
            }
        } finally {
            dataset.close();
        }
    }

    /** @return LightGBM's own raw scores of one-margin {@code model} for the rows */
    public static double[] lightgbmMargins(String model, double[][] x) throws Exception {
        LGBMBooster booster = LGBMBooster.loadModelFromString(model);
        try {
            return booster.predictForMat(
                    flat(x),
                    x.length,
                    FEATURES,
                    true,
                    com.microsoft.ml.lightgbm.PredictionType.C_API_PREDICT_RAW_SCORE);
        } finally {
            booster.close();
        }
    }

    private static double[] flat(double[][] x) {
        double[] flat = new double[x.length * FEATURES];
        for (int r = 0; r < x.length; r++) {
            System.arraycopy(x[r], 0, flat, r * FEATURES, FEATURES);
        }
        return flat;
    }
}
