package org.tabserve.model.onnx.graph.ml;

/**
 * How ONNX Runtime turns a TreeEnsembleClassifier's class sums into its scores and label
 * ({@code TreeAggregatorClassifier::FinalizeScores}), each class's sum counting only when a leaf the row reached
 * weighted that class (its {@code has_score}):
 *
 * <ul>
 *   <li>three classes or more: each base value added (a class no leaf weighted takes its base value alone), the label
 *       the first highest of the weighted classes, the post-transform on every score (an unweighted one counts 0);</li>
 *   <li>two classes: with two base values, when the second class was weighted its score becomes the second base value
 *       plus the <em>first</em> class's sum and the first class's its negative, else each class adds its own base; with
 *       one base value the first class adds it. Then, when the second class was weighted (or there are two base
 *       values), both scores go through the post-transform; when not, the first class's score alone is the
 *       {@link BinaryCase} one score (with no base values and mixed weights, its {-s, s} case even where the weights
 *       name two classes). The label: when the weights all name one class (ONNX Runtime's binary case), the second
 *       label when the score exceeds 0.5 (weights all positive) or 0; otherwise the second <em>index</em> when the
 *       score is positive, which for integer labels is the label 1 or 0 whatever the labels are.</li>
 * </ul>
 */
final class TreeClasses {

    private final OperatorLabels declared;
    private final OperatorLabels labels;
    private final int count;
    private final float[] base;
    private final PostTransform post;
    /** Whether the weights all name one class of two: ONNX Runtime's {@code binary_case_}. */
    private final boolean oneScored;

    private final boolean weightsAllPositive;
    /** The binary case a row of two classes always takes, when it always takes one; else null. */
    private final BinaryCase binary;
    /** The one-score cases, for weights all positive and for mixed ones (null for PROBIT). */
    private final BinaryCase positiveCase;

    private final BinaryCase mixedCase;

    TreeClasses(
            OperatorLabels declared,
            float[] base,
            PostTransform post,
            boolean oneScored,
            boolean weightsAllPositive,
            BinaryCase binary) {
        this.declared = declared;
        this.count = declared.size();
        this.labels = count == 2 && !oneScored && !declared.text() ? OperatorLabels.zeroOne(false) : declared;
        this.base = base;
        this.post = post;
        this.oneScored = oneScored;
        this.weightsAllPositive = weightsAllPositive;
        this.binary = binary;
        this.positiveCase = BinaryCase.trees(post, true);
        this.mixedCase = BinaryCase.trees(post, false);
    }

    int count() {
        return count;
    }

    OperatorLabels declared() {
        return declared;
    }

    OperatorLabels labels() {
        return labels;
    }

    PostTransform post() {
        return post;
    }

    BinaryCase binary() {
        return binary;
    }

    /** @return class {@code k}'s base value, 0 where none is given; a binary case's one base */
    double base(int k) {
        return k < base.length ? base[k] : 0;
    }

    /**
     * @param s   each class's sum over the trees (changed)
     * @param has whether a reached leaf weighted each class (changed)
     * @return the label's index in {@link #labels}
     */
    int finish(double[] s, boolean[] has, boolean inFloat, float[] out, int at) {
        float[] v = new float[count]; // ONNX Runtime's scores, transformed in float as there
        if (count > 2) {
            for (int k = 0; k < base.length; k++) {
                s[k] = has[k] ? TreeSums.add(s[k], base[k], inFloat) : base[k];
                has[k] = true;
            }
            int label = -1;
            for (int k = 0; k < count; k++) {
                if (has[k] && (label < 0 || s[k] > s[label])) {
                    label = k;
                }
                v[k] = has[k] ? (float) s[k] : 0;
            }
            post.apply(v, 0, count);
            if (label < 0) { // no leaf weighted any class: ONNX Runtime's label is undefined
                java.util.Arrays.fill(v, Float.NaN);
            }
            write(v, out, at);
            return Math.max(label, 0);
        }
        boolean pair = true;
        int written = -1; // ONNX Runtime's write_additional_scores
        if (base.length == 2) {
            if (has[1]) {
                s[1] = TreeSums.add(base[1], s[0], inFloat);
                s[0] = -s[1];
            } else {
                s[1] = TreeSums.add(s[1], base[1], inFloat);
                s[0] = TreeSums.add(s[0], base[0], inFloat);
            }
        } else {
            if (base.length == 1) {
                s[0] = TreeSums.add(s[0], base[0], inFloat);
            } else {
                written = 3;
            }
            pair = has[1];
        }
        double positive = has[1] ? s[1] : has[0] ? s[0] : 0;
        int label;
        if (oneScored) {
            label = positive > (weightsAllPositive ? 0.5 : 0) ? 1 : 0;
            written = (weightsAllPositive ? 0 : 2) + 1 - label;
        } else {
            label = positive > 0 ? 1 : 0;
        }
        if (pair) {
            v[0] = has[0] ? (float) s[0] : 0;
            v[1] = has[1] ? (float) s[1] : 0;
            post.apply(v, 0, 2);
        } else {
            float one = has[0] ? (float) s[0] : 0;
            BinaryCase expanded = written < 0 ? null : written <= 1 ? positiveCase : mixedCase;
            if (expanded != null) {
                expanded.write(one, v, 0);
            } else {
                v[0] = one;
                v[1] = Float.NaN; // ONNX Runtime writes one score where two are read
                post.apply(v, 0, post == PostTransform.PROBIT ? 1 : 0);
            }
        }
        write(v, out, at);
        return label;
    }

    private void write(float[] v, float[] out, int at) {
        System.arraycopy(v, 0, out, at, count);
    }
}
