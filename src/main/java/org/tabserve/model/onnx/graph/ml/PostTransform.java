package org.tabserve.model.onnx.graph.ml;

import java.util.Optional;
import org.tabserve.model.onnx.graph.NodeAttributes;
import org.tabserve.model.onnx.graph.OnnxNode;

/**
 * An ai.onnx.ml classifier's or regressor's {@code post_transform}, the function ONNX Runtime applies to the raw
 * scores of a row ({@code ml_common.h}): written once for every reader of an operator, in double for the explanations
 * and the decoder of logits, and for the plain engine's float scores in float, operation for operation as ONNX
 * Runtime's scalar {@code ComputeLogistic}, {@code ComputeSoftmax}, {@code ComputeSoftmaxZero} and
 * {@code ComputeProbit}, so that its answers are ONNX Runtime's to the bit (issue 61, item 9: computed in double and
 * rounded, a tree classifier's probabilities differed from ONNX Runtime's in the last bits on every row). Where ONNX
 * Runtime takes MLAS's vectorized exponential instead (a LinearClassifier's softmax of five classes or more, or of
 * thousands of rows, and its logistic of several scores), the two differ by float rounding, which the load check
 * allows.
 */
public enum PostTransform {

    /** The scores as they are. */
    NONE,
    /** Each score through the logistic function, 1 / (1 + e<sup>-s</sup>). */
    LOGISTIC,
    /** The row's scores through softmax, less their largest first. */
    SOFTMAX,
    /**
     * Softmax that skips the scores within 1e-7 of zero, as ONNX Runtime's {@code ComputeSoftmaxZero}: such a score is
     * multiplied by e<sup>-max</sup> instead and left out of the sum.
     */
    SOFTMAX_ZERO,
    /**
     * Each score through ONNX Runtime's probit, &radic;2 &middot; erf<sup>-1</sup>(2s - 1) by Winitzki's
     * approximation, in float.
     */
    PROBIT;

    /** ONNX Runtime's float threshold below which {@link #SOFTMAX_ZERO} treats a score as zero. */
    private static final double ZERO = 0.0000001f;
    /** The constants of ONNX Runtime's {@code ErfInv}, as the floats it computes with. */
    private static final float ERF_A = 0.147f;

    private static final float PI = (float) Math.PI;
    private static final float SQRT2 = (float) Math.sqrt(2);

    /**
     * @param a the node's attributes
     * @return its {@code post_transform} ({@link #NONE} when absent)
     * @throws UnreadOperator for a word ONNX Runtime does not define (it would read it as PROBIT)
     */
    public static PostTransform of(NodeAttributes a) throws UnreadOperator {
        String text = word(a);
        return named(text).orElseThrow(() -> UnreadOperator.at(a, "post_transform " + text));
    }

    /** @return the node's {@code post_transform} as it is written, whatever the word ("NONE" when absent) */
    public static String word(NodeAttributes a) {
        return a.text("post_transform", "NONE");
    }

    /** @return {@code node} without its {@code post_transform}: the same node through {@link #NONE} */
    public static OnnxNode leftOut(OnnxNode node) {
        return new OnnxNode(
                node.name(),
                node.opType(),
                node.domain(),
                node.inputs(),
                node.outputs(),
                node.attributes().stream()
                        .filter(a -> !a.name().equals("post_transform"))
                        .toList());
    }

    /** @return the transform named {@code text}, if it is one */
    public static Optional<PostTransform> named(String text) {
        for (PostTransform t : values()) {
            if (t.name().equals(text)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** @return whether a classifier's scores through it are read as probabilities (every transform but NONE) */
    public boolean probabilities() {
        return this != NONE;
    }

    /** Applies the transform to {@code scores[from, to)}, in place. */
    public void apply(double[] scores, int from, int to) {
        switch (this) {
            case NONE -> {}
            case LOGISTIC -> {
                for (int i = from; i < to; i++) {
                    scores[i] = logistic(scores[i]);
                }
            }
            case SOFTMAX -> softmax(scores, from, to, false);
            case SOFTMAX_ZERO -> softmax(scores, from, to, true);
            case PROBIT -> {
                for (int i = from; i < to; i++) {
                    scores[i] = probit(scores[i]);
                }
            }
        }
    }

    /** Applies the transform to {@code scores[from, to)} in place, in float as ONNX Runtime's scalar code. */
    public void apply(float[] scores, int from, int to) {
        switch (this) {
            case NONE -> {}
            case LOGISTIC -> {
                for (int i = from; i < to; i++) {
                    scores[i] = logisticInFloat(scores[i]);
                }
            }
            case SOFTMAX -> softmaxInFloat(scores, from, to, false);
            case SOFTMAX_ZERO -> softmaxInFloat(scores, from, to, true);
            case PROBIT -> {
                for (int i = from; i < to; i++) {
                    scores[i] = (float) probit(scores[i]);
                }
            }
        }
    }

    /** @return 1 / (1 + e<sup>-x</sup>) */
    public static double logistic(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    /**
     * The logistic function in float, operation for operation as ONNX Runtime's {@code ComputeLogistic}: for the
     * pairwise probabilities of libsvm's Platt scaling ({@link SvmClassifier#plattProbability}), which its coupling
     * iterates on until a float threshold, so that a difference in the last bit could end it a round sooner or later.
     */
    public static float logisticInFloat(float x) {
        float v = 1f / (1f + expInFloat(-Math.abs(x)));
        return x < 0 ? 1 - v : v;
    }

    /**
     * ONNX Runtime's {@code ComputeSoftmax} and {@code ComputeSoftmaxZero} in float: the largest score found from
     * {@code -Float.MAX_VALUE} up (a row of NaN or of -infinity keeps it, as there), each {@code e^(s - max)} in float,
     * summed in float in order, each divided by the sum.
     */
    private static void softmaxInFloat(float[] scores, int from, int to, boolean skipZeros) {
        float max = -Float.MAX_VALUE;
        for (int i = from; i < to; i++) {
            if (scores[i] > max) {
                max = scores[i];
            }
        }
        float sum = 0f;
        float zeroScale = skipZeros ? expInFloat(-max) : 0f;
        for (int i = from; i < to; i++) {
            if (skipZeros && !(scores[i] > (float) ZERO || scores[i] < -(float) ZERO)) {
                scores[i] *= zeroScale;
            } else {
                scores[i] = expInFloat(scores[i] - max);
                sum += scores[i];
            }
        }
        for (int i = from; i < to; i++) {
            scores[i] /= sum;
        }
    }

    /** {@code std::exp} of a float: e<sup>x</sup> correctly rounded to float (glibc's {@code expf}, within 0.502 ulp). */
    private static float expInFloat(float x) {
        return (float) Math.exp(x);
    }

    private static void softmax(double[] scores, int from, int to, boolean skipZeros) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = from; i < to; i++) {
            max = Math.max(max, scores[i]);
        }
        double sum = 0;
        double zeroScale = skipZeros ? Math.exp(-max) : 0;
        for (int i = from; i < to; i++) {
            if (skipZeros && !(scores[i] > ZERO || scores[i] < -ZERO)) {
                scores[i] *= zeroScale;
            } else {
                scores[i] = Math.exp(scores[i] - max);
                sum += scores[i];
            }
        }
        for (int i = from; i < to; i++) {
            scores[i] /= sum;
        }
    }

    /**
     * ONNX Runtime's {@code ComputeProbit}: &radic;2 times its approximate inverse error function of 2x - 1, in float
     * operation for operation, as ONNX Runtime computes it whatever the scores' type: near x = 0.5 its
     * {@code log((1 - x)(1 + x))} keeps only the bits float keeps, so that double would answer otherwise by 1e-3.
     */
    private static double probit(double score) {
        float x = 2 * (float) score - 1;
        float sign = x < 0 ? -1f : 1f;
        x = (1 - x) * (1 + x);
        float log = (float) Math.log(x);
        float v = 2 / (PI * ERF_A) + 0.5f * log;
        float v2 = 1 / ERF_A * log;
        float v3 = -v + (float) Math.sqrt(v * v - v2);
        return SQRT2 * (sign * (float) Math.sqrt(v3));
    }
}
