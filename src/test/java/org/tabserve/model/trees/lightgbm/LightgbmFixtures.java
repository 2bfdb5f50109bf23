package org.tabserve.model.trees.lightgbm;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The LightGBM reader's test data: small seeded matrices with missing values and zeros, their labels, a model's
 * thresholds and the rows that probe them. LightGBM itself trains and predicts through {@link
 * org.tabserve.testing.ForestTraining}, shared with the other tests of native models.
 */
final class LightgbmFixtures {

    static final String QUIET = org.tabserve.testing.ForestTraining.LIGHTGBM_QUIET;

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
