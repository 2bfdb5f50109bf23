package org.tabserve.model.live;

/**
 * The population stability index of live counts against a training distribution on the same bins, the drift score
 * {@link LiveProfile} gives per input: chosen over Jensen–Shannon because practitioners read it on conventional
 * thresholds ({@link #MODERATE} and {@link #LARGE}) without a calibration of their own.
 *
 * <p>PSI = Σ (a − e) · ln(a / e) over the bins, {@code a} the live share of a bin and {@code e} the training share,
 * each at least {@link #EPSILON} so that an empty bin on either side gives a large but finite term.
 */
public final class Psi {

    /** The least share a bin counts for, so that an empty bin does not make the index infinite. */
    public static final double EPSILON = 1e-4;
    /** Below this, no shift worth acting on. */
    public static final double MODERATE = 0.1;
    /** At or above this, a large shift: the inputs are not what the model was trained on. */
    public static final double LARGE = 0.25;
    /** Fewer live values than this give no score ("not enough data"), however few bins an input has. */
    public static final long MIN_ROWS = 50;
    /**
     * The live values an input needs for each bin the training data fills beyond the first before it is scored: PSI
     * of n values drawn from the training distribution itself averages about (bins − 1) / n (it is a chi-square
     * statistic over n), so at this many its noise averages under 1/32 ≈ 0.03, well below {@link #MODERATE}
     * (docs/operations.md, PsiNoiseFloorTest).
     */
    public static final int VALUES_PER_BIN = 32;

    private Psi() {}

    /**
     * @param expected the training counts per bin (any non-negative weights)
     * @param actual   the live counts on the same bins
     * @return the index, or NaN when either side has no count at all
     */
    public static double of(double[] expected, long[] actual) {
        if (expected.length != actual.length) {
            throw new IllegalArgumentException(expected.length + " training bins, " + actual.length + " live ones");
        }
        double e = 0;
        double a = 0;
        for (int i = 0; i < expected.length; i++) {
            e += expected[i];
            a += actual[i];
        }
        if (e <= 0 || a <= 0) {
            return Double.NaN;
        }
        double psi = 0;
        for (int i = 0; i < expected.length; i++) {
            double pe = Math.max(expected[i] / e, EPSILON);
            double pa = Math.max(actual[i] / a, EPSILON);
            psi += (pa - pe) * Math.log(pa / pe);
        }
        return psi;
    }

    /**
     * @param trainingBins the bins (or categories) the training data fills
     * @return the fewest live values an input with that many filled bins is scored on: {@link #VALUES_PER_BIN} for
     *         each bin beyond the first, and at least {@link #MIN_ROWS} (480 for a card's 16-bin histogram)
     */
    public static long minValues(int trainingBins) {
        return Math.max(MIN_ROWS, (long) VALUES_PER_BIN * (trainingBins - 1));
    }

    /** @return "small", "moderate" or "large" by the conventional thresholds; "not enough data" for NaN */
    public static String reading(double psi) {
        if (Double.isNaN(psi)) {
            return "not enough data";
        }
        return psi < MODERATE ? "small" : psi < LARGE ? "moderate" : "large";
    }
}
