package org.tabserve.model.trees.lightgbm;

import static com.microsoft.ml.lightgbm.lightgbmlib.*;

import com.microsoft.ml.lightgbm.SWIGTYPE_p_double;
import com.microsoft.ml.lightgbm.SWIGTYPE_p_int;
import com.microsoft.ml.lightgbm.SWIGTYPE_p_long_long;
import com.microsoft.ml.lightgbm.SWIGTYPE_p_p_void;
import io.github.metarank.lightgbm4j.LGBMBooster;
import io.github.metarank.lightgbm4j.LGBMBooster.FeatureImportanceType;
import io.github.metarank.lightgbm4j.LGBMDataset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Trains LightGBM models with LightGBM 4.1 itself (lightgbm4j) on small seeded data and predicts with its C API on
 * a buffer sized here (lightgbm4j's own multiclass predict writes past a too small one): the answers the reader must
 * give to the bit.
 */
final class LightgbmFixtures {

    static final String QUIET = "verbose=-1 num_threads=1 deterministic=true seed=7 ";

    private LightgbmFixtures() {}

    /** A seeded row-major matrix with some NaNs and zeros. */
    static double[] data(long seed, int rows, int cols, double missing, double zeros) {
        Random random = new Random(seed);
        double[] x = new double[rows * cols];
        for (int i = 0; i < x.length; i++) {
            double u = random.nextDouble();
            x[i] = u < missing ? Double.NaN : u < missing + zeros ? 0.0 : random.nextGaussian() * 2;
        }
        return x;
    }

    /** A label from the row's first features, NaN and zero counted as zero. */
    static double signal(double[] x, int row, int cols) {
        double a = Double.isNaN(x[row * cols]) ? 0 : x[row * cols];
        double b = Double.isNaN(x[row * cols + 1]) ? 0 : x[row * cols + 1];
        double c = cols > 2 && !Double.isNaN(x[row * cols + 2]) ? x[row * cols + 2] : 0;
        return a + 0.7 * b * b - 0.5 * c + 0.3 * Math.sin(row);
    }

    /** @return the text model LightGBM saves after {@code rounds} iterations */
    static String train(double[] x, int rows, int cols, float[] label, String datasetParams, String params, int rounds)
            throws Exception {
        LGBMDataset dataset = LGBMDataset.createFromMat(x, rows, cols, true, QUIET + datasetParams, null);
        try {
            dataset.setField("label", label);
            LGBMBooster booster = LGBMBooster.create(dataset, QUIET + params);
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

    /**
     * @param raw whether margins ({@code C_API_PREDICT_RAW_SCORE}) or answers ({@code C_API_PREDICT_NORMAL})
     * @return LightGBM's own predictions of {@code model} for the rows of {@code x}, {@code outputs} a row
     */
    static double[] predict(String model, double[] x, int rows, int cols, int outputs, boolean raw) throws Exception {
        LGBMBooster.loadNative();
        SWIGTYPE_p_p_void handle = new_voidpp();
        SWIGTYPE_p_int iterations = new_intp();
        check(LGBM_BoosterLoadModelFromString(model, iterations, handle));
        SWIGTYPE_p_double in = new_doubleArray(x.length);
        SWIGTYPE_p_double out = new_doubleArray((long) rows * outputs + 16);
        SWIGTYPE_p_long_long length = new_int64_tp();
        try {
            for (int i = 0; i < x.length; i++) {
                doubleArray_setitem(in, i, x[i]);
            }
            check(LGBM_BoosterPredictForMat(
                    voidpp_value(handle),
                    double_to_voidp_ptr(in),
                    C_API_DTYPE_FLOAT64,
                    rows,
                    cols,
                    1,
                    raw ? C_API_PREDICT_RAW_SCORE : C_API_PREDICT_NORMAL,
                    0,
                    -1,
                    "num_threads=1",
                    length,
                    out));
            long n = int64_tp_value(length);
            if (n != (long) rows * outputs) {
                throw new IllegalStateException("LightGBM predicted " + n + " values for " + rows + " rows");
            }
            double[] values = new double[(int) n];
            for (int i = 0; i < n; i++) {
                values[i] = doubleArray_getitem(out, i);
            }
            return values;
        } finally {
            LGBM_BoosterFree(voidpp_value(handle));
            delete_voidpp(handle);
            delete_intp(iterations);
            delete_doubleArray(in);
            delete_doubleArray(out);
            delete_int64_tp(length);
        }
    }

    private static void check(int result) {
        if (result != 0) {
            throw new IllegalStateException(LGBM_GetLastError());
        }
    }

    /** @return every numerical threshold the model's trees hold, read from its text independently of the reader */
    static List<Double> thresholds(String model) {
        List<Double> out = new ArrayList<>();
        for (String line : model.split("\n")) {
            if (line.startsWith("threshold=") && line.length() > "threshold=".length()) {
                for (String t : line.substring("threshold=".length()).trim().split(" ")) {
                    if (!t.endsWith("inf")) {
                        out.add(Double.parseDouble(t));
                    }
                }
            }
        }
        return out;
    }

    /**
     * Rows to answer: seeded random ones with NaNs and zeros, all-NaN, all-zero, signed zeros and near-zeros around
     * {@code kZeroThreshold}, and every threshold with its neighbouring doubles in every column.
     */
    static double[] probe(String model, int cols, long seed, int randomRows) {
        List<double[]> rows = new ArrayList<>();
        double[] random = data(seed, randomRows, cols, 0.15, 0.1);
        for (int r = 0; r < randomRows; r++) {
            rows.add(java.util.Arrays.copyOfRange(random, r * cols, r * cols + cols));
        }
        double[] specials = {
            Double.NaN,
            0.0,
            -0.0,
            1e-36,
            -1e-36,
            1e-35,
            (double) 1e-35f,
            -(double) 1e-35f,
            Math.nextUp((double) 1e-35f),
            1e300,
            -1e300,
            Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY,
            0.5,
            -0.5,
            1.0,
            2.0,
            3.0,
            7.0,
            40.0
        };
        List<Double> values = new ArrayList<>();
        for (double s : specials) {
            values.add(s);
        }
        for (double t : thresholds(model)) {
            values.add(t);
            values.add(Math.nextUp(t));
            values.add(Math.nextDown(t));
        }
        Random shuffle = new Random(seed + 1);
        for (double v : values) {
            double[] row = java.util.Arrays.copyOf(rows.get(shuffle.nextInt(randomRows)), cols);
            for (int c = 0; c < cols; c++) {
                double[] copy = row.clone();
                copy[c] = v;
                rows.add(copy);
            }
            double[] all = new double[cols];
            java.util.Arrays.fill(all, v);
            rows.add(all);
        }
        double[] flat = new double[rows.size() * cols];
        for (int r = 0; r < rows.size(); r++) {
            System.arraycopy(rows.get(r), 0, flat, r * cols, cols);
        }
        return flat;
    }
}
