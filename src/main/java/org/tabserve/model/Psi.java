package org.tabserve.model;

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
    /** Fewer live values than this give no score ("not enough data"). */
    public static final long MIN_ROWS = 50;

    private Psi() {
    }

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

    /** @return "small", "moderate" or "large" by the conventional thresholds; "not enough data" for NaN */
    public static String reading(double psi) {
        if (Double.isNaN(psi)) {
            return "not enough data";
        }
        return psi < MODERATE ? "small" : psi < LARGE ? "moderate" : "large";
    }
}
