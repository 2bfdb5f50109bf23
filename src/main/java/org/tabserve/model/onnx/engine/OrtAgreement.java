package org.tabserve.model.onnx.engine;

import org.tabserve.model.signature.Prediction;

/**
 * The one load-time test of tabserve's own Java reading of a model against ONNX Runtime: the plain engine's graph
 * ({@link PlainCheck}) and the exact explainer's estimator ({@code model.onnx}'s {@code EstimatorCheck}) are each used
 * only when every answer they give on the rows tried is ONNX Runtime's, a number within {@link #TOLERANCE} of it
 * (relative beyond 1, so absolute for a probability): float rounding, since ONNX Runtime computes in float where the
 * Java reading may compute in double, or in another order. Where ONNX Runtime is known to be wrong ({@link
 * OrtKnownErrors}), the plain engine is held to it with the same error made on purpose, never with a wider bound.
 */
public final class OrtAgreement {

    /** How far a probability, a value or a score may be from ONNX Runtime's, relative beyond 1. */
    static final double TOLERANCE = 1e-5;

    private OrtAgreement() {}

    /** @return whether {@code actual} is within {@link #TOLERANCE} of ONNX Runtime's {@code expected} (NaN never is) */
    public static boolean close(double expected, double actual) {
        double scale = Math.max(1, Math.max(Math.abs(expected), Math.abs(actual)));
        return Math.abs(expected - actual) <= TOLERANCE * scale;
    }

    /** @return whether ONNX Runtime's scores {@code actual} are {@code expected}'s, one for one */
    public static boolean close(double[] expected, float[] actual) {
        if (expected.length != actual.length) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            if (!close(expected[i], actual[i])) {
                return false;
            }
        }
        return true;
    }

    /**
     * @param expected ONNX Runtime's answer (null: it found none finite)
     * @param actual   the Java reading's answer (null: none finite); two nulls agree
     * @return how the answer differs from ONNX Runtime's beyond float rounding, or null when it does not
     */
    public static String difference(Prediction expected, Prediction actual) {
        if (expected == null || actual == null) {
            return expected == actual ? null : "ONNX Runtime " + expected + ", plain Java " + actual;
        }
        if (expected instanceof Prediction.Regression e && actual instanceof Prediction.Regression a) {
            return close(e.value(), a.value()) ? null : "value " + e.value() + " against " + a.value();
        }
        if (expected instanceof Prediction.Classification e && actual instanceof Prediction.Classification a) {
            if (!e.label().equals(a.label())) {
                return "label " + e.label() + " against " + a.label();
            }
            for (int c = 0; c < e.probabilities().size(); c++) {
                if (!close(e.probabilities().get(c), a.probabilities().get(c))) {
                    return "probability " + e.probabilities().get(c) + " against "
                            + a.probabilities().get(c);
                }
            }
            return null;
        }
        return "ONNX Runtime " + expected + ", plain Java " + actual;
    }
}
