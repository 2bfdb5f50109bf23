package org.tabserve.model.onnx.graph.ml;


/**
 * One score {@code s} standing for two classes, and the two scores ONNX Runtime writes for it: {@code complement - s}
 * for the first class and {@code s} for the second, then {@link #transform} on both; the second class is the label
 * when {@code s > threshold}. Written once for the two operators that have such a case ({@code ml_common.h}'s
 * {@code batched_update_scores_inplace} and {@code write_scores}):
 *
 * <ul>
 *   <li>a LinearClassifier with one row of coefficients and two labels: {1 - s, s}, no transform at all (ONNX Runtime
 *       skips LOGISTIC and SOFTMAX on one score), the second label when s &gt; 0;</li>
 *   <li>a TreeEnsembleClassifier whose weights all score one class: with no negative weight {1 - s, s}, no transform,
 *       the second label when s &gt; 0.5 (vote shares); otherwise {-s, s}, through LOGISTIC when that is the
 *       post_transform (boosted trees: {&sigma;(-s), &sigma;(s)}) and as they are for any other, the second label when
 *       s &gt; 0.</li>
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
        return post == PostTransform.PROBIT ? null : new BinaryCase(1, 0, PostTransform.NONE);
    }

    /** @return a TreeEnsembleClassifier's one score for two classes; null for PROBIT */
    static BinaryCase trees(PostTransform post, boolean weightsAllPositive) {
        if (post == PostTransform.PROBIT) {
            return null;
        }
        if (weightsAllPositive) {
            return new BinaryCase(1, 0.5, PostTransform.NONE);
        }
        return new BinaryCase(0, 0, post == PostTransform.LOGISTIC ? PostTransform.LOGISTIC : PostTransform.NONE);
    }

    /** @return the index of the label, 1 or 0, for score {@code s} */
    public int label(double s) {
        return s > threshold ? 1 : 0;
    }

    /** Writes the two scores for {@code s} at {@code out[at]} and {@code out[at + 1]}, transformed. */
    public void write(double s, double[] out, int at) {
        out[at] = complement - s;
        out[at + 1] = s;
        transform.apply(out, at, at + 2);
    }

    /** As {@link #write(double, double[], int)}, in float as ONNX Runtime's scores. */
    public void write(float s, float[] out, int at) {
        out[at] = (float) (complement - s);
        out[at + 1] = s;
        transform.apply(out, at, at + 2);
    }
}
