package org.tabserve.model.onnx.graph.ml;

import java.util.Arrays;
import java.util.List;

/**
 * ai.onnx.ml TreeEnsembleClassifier or TreeEnsembleRegressor (thresholds and weights as floats) as ONNX Runtime reads
 * it ({@code tree_ensemble_common.h}, {@code tree_ensemble_aggregator.h}), read from a node by
 * {@code TreeEnsembleReader}: trees listed one after another, each from its root; a row walks each tree from the root,
 * at each branch to the true child when its value compares true with the threshold (BRANCH_LEQ, _LT, _GTE, _GT, _EQ,
 * _NEQ), or when it is missing (NaN) and the node's missing value tracks true, down to a leaf, whose weights add to the
 * scores of their classes (a regressor's one target takes a leaf's first weight); the trees' sums, in float (double for
 * a double input), then take the base values and the post-transform, for a classifier as {@link TreeClasses} says, and
 * for a regressor as the sum (its average over the trees with AVERAGE) plus its one base value, through its
 * post-transform as ONNX defines it (ONNX Runtime 1.29 applies PROBIT alone there and leaves the others out:
 * onnxruntime#26596).
 *
 * <p>Its exact explanations read it as margins, each the trees' sum of a leaf value plus a base
 * ({@link #margins()}), where ONNX Runtime's scores are such sums through a post-transform.
 */
public final class TreeEnsemble {

    /** The node modes' words ({@code nodes_modes}), each at its constant's index below. */
    static final List<String> MODES =
            List.of("LEAF", "BRANCH_LEQ", "BRANCH_LT", "BRANCH_GTE", "BRANCH_GT", "BRANCH_EQ", "BRANCH_NEQ");

    /** Node modes ({@link #mode}), each at its index in {@link #MODES}. */
    public static final byte LEAF = 0;

    public static final byte LEQ = 1;
    public static final byte LT = 2;
    public static final byte GTE = 3;
    public static final byte GT = 4;
    public static final byte EQ = 5;
    public static final byte NEQ = 6;

    private final int[] roots;
    private final int[] feature;
    private final byte[] mode;
    private final float[] threshold;
    /** A branch's true child; a leaf's first weight in {@link #weightIds} and {@link #weights}. */
    private final int[] whenTrue;
    /** A branch's false child; a leaf's number of weights. */
    private final int[] whenFalse;

    private final boolean[] missingTracksTrue;
    private final int[] weightIds;
    private final float[] weights;
    private final int maxFeature;
    /** A classifier's classes, scores and labels; null for a regressor. */
    private final TreeClasses classes;
    /** A regressor's: its one base value, whether it averages, its post-transform. */
    private final double origin;

    private final boolean average;
    private final PostTransform post;
    private final String unadditive;

    TreeEnsemble(
            int[] roots,
            int[] feature,
            byte[] mode,
            float[] threshold,
            int[] whenTrue,
            int[] whenFalse,
            boolean[] missingTracksTrue,
            int[] weightIds,
            float[] weights,
            TreeClasses classes,
            double origin,
            boolean average,
            PostTransform post,
            String unadditive) {
        this.roots = roots;
        this.feature = feature;
        this.mode = mode;
        this.threshold = threshold;
        this.whenTrue = whenTrue;
        this.whenFalse = whenFalse;
        this.missingTracksTrue = missingTracksTrue;
        this.weightIds = weightIds;
        this.weights = weights;
        this.classes = classes;
        this.origin = origin;
        this.average = average;
        this.post = post;
        this.unadditive = unadditive;
        int max = -1;
        for (int i = 0; i < mode.length; i++) {
            max = mode[i] == LEAF ? max : Math.max(max, feature[i]);
        }
        this.maxFeature = max;
    }

    /** @return whether it is a classifier */
    public boolean classifier() {
        return classes != null;
    }

    /** @return the scores a row makes: one per class, or a regressor's one value */
    public int outputs() {
        return classes != null ? classes.count() : 1;
    }

    /** @return a classifier's labels in score order, as declared */
    public OperatorLabels classLabels() {
        return classes.declared();
    }

    /**
     * @return the values its label output takes, in score order: the declared labels, but 0 and 1 where ONNX Runtime
     *         names one of two integer classes by its index
     */
    public OperatorLabels labels() {
        return classes.labels();
    }

    /** @return the fewest input elements a row must have: one more than the highest feature a branch reads */
    public int width() {
        return maxFeature + 1;
    }

    /** @return how many trees */
    public int trees() {
        return roots.length;
    }

    /** @return how many nodes, branches and leaves */
    public int nodes() {
        return mode.length;
    }

    /** @return the root of tree {@code t}, in ONNX Runtime's order */
    public int root(int t) {
        return roots[t];
    }

    /** @return whether {@code node} is a leaf */
    public boolean isLeaf(int node) {
        return mode[node] == LEAF;
    }

    /** @return the input element a branch reads */
    public int feature(int node) {
        return feature[node];
    }

    /** @return a branch's child when its comparison is true */
    public int whenTrue(int node) {
        return whenTrue[node];
    }

    /** @return a branch's child when its comparison is false */
    public int whenFalse(int node) {
        return whenFalse[node];
    }

    /** As ONNX Runtime decides: a missing value goes the true way where the node says so, else the comparison's. */
    public boolean goesTrue(int node, double value) {
        if (missingTracksTrue[node] && Double.isNaN(value)) {
            return true;
        }
        double t = threshold[node];
        return switch (mode[node]) {
            case LEQ -> value <= t;
            case LT -> value < t;
            case GTE -> value >= t;
            case GT -> value > t;
            case EQ -> value == t;
            default -> value != t;
        };
    }

    /** @return the leaf that the row {@code x[at, at + width())} reaches from {@code root} */
    public int leaf(int root, double[] x, int at) {
        int node = root;
        while (mode[node] != LEAF) {
            node = goesTrue(node, x[at + feature[node]]) ? whenTrue[node] : whenFalse[node];
        }
        return node;
    }

    /**
     * ONNX Runtime's answer for one row: its {@link #outputs} scores written at {@code out[outAt]} (NaN where ONNX
     * Runtime leaves a score unwritten), and for a classifier its label.
     *
     * @param x       the row's values at {@code x[at]}, an int64 input's as the floats ONNX Runtime compares
     * @param inFloat whether ONNX Runtime sums in float (any input but double)
     * @return the label's index in {@link #labels} (0 for a regressor)
     */
    public int evaluate(double[] x, int at, boolean inFloat, float[] out, int outAt) {
        return evaluate(x, at, inFloat, out, outAt, new double[outputs()], new boolean[outputs()]);
    }

    /**
     * As {@link #evaluate(double[], int, boolean, float[], int)}, its sums made in arrays the caller gives, so that a
     * row allocates nothing.
     *
     * @param s   {@link #outputs} sums (overwritten)
     * @param has {@link #outputs} flags (overwritten)
     */
    public int evaluate(double[] x, int at, boolean inFloat, float[] out, int outAt, double[] s, boolean[] has) {
        Arrays.fill(s, 0, outputs(), 0);
        Arrays.fill(has, 0, outputs(), false);
        for (int root : roots) {
            addLeaf(leaf(root, x, at), s, has, inFloat);
        }
        return finish(s, has, inFloat, out, outAt);
    }

    /**
     * Adds what {@code leaf} weights to the sums of a row (a classifier's each class it names, a regressor's first
     * weight), each add in float when {@code inFloat}, as {@link #evaluate} does tree after tree.
     *
     * @param s   each output's sum so far (changed)
     * @param has whether a reached leaf weighted each output (changed)
     */
    public void addLeaf(int leaf, double[] s, boolean[] has, boolean inFloat) {
        int first = whenTrue[leaf];
        int end = first + weightCount(leaf);
        for (int w = first; w < end; w++) {
            s[weightIds[w]] = TreeSums.add(s[weightIds[w]], weights[w], inFloat);
            has[weightIds[w]] = true;
        }
    }

    /**
     * The end of {@link #evaluate} once the trees' sums are made: base values, average and post-transform, its
     * {@link #outputs} scores written at {@code out[outAt]}.
     *
     * @param s   the row's {@link #outputs} sums, in float when {@code inFloat} (changed)
     * @param has whether a reached leaf weighted each output (changed)
     * @return the label's index in {@link #labels} (0 for a regressor)
     */
    public int finish(double[] s, boolean[] has, boolean inFloat, float[] out, int outAt) {
        if (classes != null) {
            return classes.finish(s, has, inFloat, out, outAt);
        }
        double value = average ? TreeSums.round(s[0] / roots.length, inFloat) : s[0];
        s[0] = TreeSums.add(value, origin, inFloat);
        post.apply(s, 0, 1);
        out[outAt] = (float) s[0];
        return 0;
    }

    /** @return a node's mode: {@link #LEAF}, {@link #LEQ}, {@link #LT}, {@link #GTE}, {@link #GT}, {@link #EQ} or {@link #NEQ} */
    public int mode(int node) {
        return mode[node];
    }

    /** @return a branch's threshold */
    public float threshold(int node) {
        return threshold[node];
    }

    /** @return whether a branch sends a missing value (NaN) to its true child whatever its comparison */
    public boolean missingTracksTrue(int node) {
        return missingTracksTrue[node];
    }

    /** @return how many weights a leaf adds: a classifier's all, a regressor's first (or none) */
    public int weightCount(int leaf) {
        return classes == null ? Math.min(1, whenFalse[leaf]) : whenFalse[leaf];
    }

    /** @return the output that weight {@code i} of {@code leaf} adds to */
    public int weightId(int leaf, int i) {
        return weightIds[whenTrue[leaf] + i];
    }

    /** @return weight {@code i} of {@code leaf} */
    public float weight(int leaf, int i) {
        return weights[whenTrue[leaf] + i];
    }

    /**
     * @return null when ONNX Runtime's scores are its margins through {@link #marginTransform} (the
     *         {@link #binary} case's two from its one), else why not
     */
    public String unadditive() {
        return unadditive;
    }

    /** @return how many margins a row has: one for a regressor or a binary case, else one per class */
    public int margins() {
        return classes == null || classes.binary() != null ? 1 : classes.count();
    }

    /** @return the one score's two classes, or null */
    public BinaryCase binary() {
        return classes == null ? null : classes.binary();
    }

    /** @return what applies to the margins (a binary case's own transform to its two scores) */
    public PostTransform marginTransform() {
        if (classes == null) {
            return post;
        }
        return classes.binary() != null ? classes.binary().transform() : classes.post();
    }

    /** @return margin {@code k}'s base: its base value, or a regressor's one */
    public double baseMargin(int k) {
        return classes == null ? origin : classes.base(k);
    }

    /** @return what {@code leaf} adds to margin {@code k}: its weights for it (averaged over the trees with AVERAGE) */
    public double leafMargin(int leaf, int k) {
        int first = whenTrue[leaf];
        if (classes == null) {
            double scale = average ? 1.0 / roots.length : 1.0;
            return whenFalse[leaf] == 0 ? 0 : weights[first] * scale;
        }
        boolean one = classes.binary() != null;
        double sum = 0;
        for (int w = first; w < first + whenFalse[leaf]; w++) {
            if (one || weightIds[w] == k) {
                sum += weights[w];
            }
        }
        return sum;
    }
}
