package org.tabserve.model.onnx.graph.ml;

/**
 * One score {@code s} standing for two classes, and the two scores ONNX Runtime writes for it: {@code complement - s}
 * for the first class and {@code s} for the second, then {@link #transform} on both; the second class is the label
 * when {@code s > threshold}. Written once for the two operators that have such a case, as ONNX Runtime 1.29 computes
 * them (checked against it, operator by operator, by the plain engine's tests):
 *
 * <ul>
 *   <li>a LinearClassifier with one row of coefficients and two labels: {&sigma;(-s), &sigma;(s)} under LOGISTIC,
 *       else {1 - s, s} (SOFTMAX and SOFTMAX_ZERO are not applied to one score); the second label when s &gt; 0;</li>
 *   <li>a TreeEnsembleClassifier whose weights all score one class: {&sigma;(-s), &sigma;(s)} under LOGISTIC, else
 *       {1 - s, s} when no weight is negative (vote shares) and {-s, s} when some are; the second label when s
 *       exceeds 0.5 (no weight negative) or 0.</li>
 * </ul>
 *
 * PROBIT of one score writes one score where two are read, so neither case takes it.
 *
 * @param complement what the first class's score is the second's subtracted from: 1 or 0
 * @param threshold  the score above which the second class is the label
 * @param transform  what then applies to both scores
 */
public record BinaryCase(double complement, double threshold, PostTransform transform) {

    /** @return a LinearClassifier's one row of coefficients for two labels; null for PROBIT */
    static BinaryCase linear(PostTransform post) {
        if (post == PostTransform.PROBIT) {
            return null;
        }
        return post == PostTransform.LOGISTIC
                ? new BinaryCase(0, 0, PostTransform.LOGISTIC)
                : new BinaryCase(1, 0, PostTransform.NONE);
    }

    /** @return a TreeEnsembleClassifier's one score for two classes; null for PROBIT */
    static BinaryCase trees(PostTransform post, boolean weightsAllPositive) {
        if (post == PostTransform.PROBIT) {
            return null;
        }
        double threshold = weightsAllPositive ? 0.5 : 0;
        if (post == PostTransform.LOGISTIC) {
            return new BinaryCase(0, threshold, PostTransform.LOGISTIC);
        }
        return weightsAllPositive
                ? new BinaryCase(1, threshold, PostTransform.NONE)
                : new BinaryCase(0, threshold, PostTransform.NONE);
    }

    /** @return the index of the label, 1 or 0, for score {@code s} */
    public int label(double s) {
        return s > threshold ? 1 : 0;
    }

    /**
     * Writes the two scores for {@code s} at {@code out[at]} and {@code out[at + 1]}, transformed, in float as ONNX
     * Runtime computes them.
     */
    public void write(float s, float[] out, int at) {
        out[at] = (float) complement - s;
        out[at + 1] = s;
        transform.apply(out, at, at + 2);
    }
}
