package org.tabserve.model.onnx.graph.ml;

import java.util.Arrays;
import org.tabserve.model.onnx.graph.NodeAttributes;
import org.tabserve.model.onnx.graph.OnnxFormatException;

/**
 * ai.onnx.ml TreeEnsembleClassifier or TreeEnsembleRegressor (thresholds and weights as floats) as ONNX Runtime reads
 * it ({@code tree_ensemble_common.h}, {@code tree_ensemble_aggregator.h}), read by {@link TreeEnsembleReader}: trees
 * listed one after another, each from its root; a row walks each tree from the root, at each branch to the true child
 * when its value compares true with the threshold (BRANCH_LEQ, _LT, _GTE, _GT, _EQ, _NEQ), or when it is missing (NaN)
 * and the node's missing value tracks true, down to a leaf, whose weights add to the scores of their classes (a
 * regressor's one target takes a leaf's first weight); the trees' sums, in float (double for a double input), then
 * take the base values and the post-transform, for a classifier as {@link TreeClasses} says, and for a regressor as
 * the sum (its average over the trees with AVERAGE) plus its one base value, through its post-transform as ONNX defines
 * it (ONNX Runtime 1.29 applies PROBIT alone there and leaves the others out: onnxruntime#26596).
 *
 * <p>Its exact explanations read it as margins, each the trees' sum of a leaf value plus a base
 * ({@link #margins()}), where ONNX Runtime's scores are such sums through a post-transform.
 */
public final class TreeEnsemble {

    /** Node modes ({@link #mode}), each at its index in {@link TreeEnsembleReader#MODES}. */
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

    /**
     * @param a a TreeEnsembleClassifier or TreeEnsembleRegressor node's attributes
     * @throws UnreadOperator naming what is not read (see {@link TreeEnsembleReader})
     */
    public static TreeEnsemble read(NodeAttributes a) throws UnreadOperator, OnnxFormatException {
        return TreeEnsembleReader.read(a);
    }

    /**
     * @param a a TreeEnsembleClassifier or TreeEnsembleRegressor node's attributes
     * @return how many nodes it lists, counted without decoding the lists: what a reader sizes its heap by first
     */
    public static int nodeCount(NodeAttributes a) throws OnnxFormatException {
        return TreeEnsembleReader.nodeCount(a);
    }

    /**
     * Whether the ensemble routes a missing value as its training library did, at every branch. A NaN reaches a
     * branch of any mode but NEQ as false, so a branch sends it the false way unless its missing value tracks true
     * ({@code nodes_missing_value_tracks_true} 1); what is to be told is whether a branch's 0 is its library's choice
     * or only the absence of one. The ensemble's own nodes tell, not the file's {@code producer_name}, which says
     * {@code skl2onnx} when skl2onnx exports an XGBoost model inside a scikit-learn pipeline through onnxmltools'
     * converter, and which a tool that edits and saves a model may rewrite. It routes one when:
     *
     * <ul>
     *   <li>a branch at least sends it the true way (tracks 1): its exporter wrote each branch's way from the library's
     *       own (XGBoost's default direction, LightGBM's {@code default_left} with its reading of NaN as 0 where a
     *       feature had none in training, HistGradientBoosting's {@code missing_go_to_left}), so a 0 beside it is the
     *       false way by the library's choice too; or
     *   <li>every branch is BRANCH_LT: XGBoost's split {@code x < threshold} as onnxmltools' XGBoost converter writes
     *       every one (the yes child true, tracks 1 exactly where XGBoost's missing child is the yes child), and no
     *       other exporter tabserve knows writes its trees so (scikit-learn's, LightGBM's and Spark's compare with
     *       {@code <=}, BRANCH_LEQ). An XGBoost model trained without a missing value by {@code hist} (XGBoost 2's
     *       default) or {@code approx} sends one the "no" way at every split (the penguins' fixtures do), all 0,
     *       exactly where a NaN goes without a track.
     * </ul>
     *
     * An ensemble of neither kind is read as one from a library whose trees take no missing value (scikit-learn's
     * GradientBoosting and RandomForest write 0 everywhere with BRANCH_LEQ): its zeros say nothing, and a NaN would
     * go down branches no training row went. ai.onnx.ml 5's {@code TreeEnsemble} holds its modes in a tensor, which
     * is not read: it routes one by its tracks alone.
     *
     * @param a a TreeEnsembleClassifier, TreeEnsembleRegressor or TreeEnsemble node's attributes
     */
    public static boolean routesMissing(NodeAttributes a) throws OnnxFormatException {
        return TreeEnsembleReader.routesMissing(a);
    }

    /** @return how many leaf weights the node lists (its classes' or targets'), counted without decoding them */
    public static int leafWeightCount(NodeAttributes a) throws OnnxFormatException {
        return TreeEnsembleReader.leafWeightCount(a);
    }

    /** @return a TreeEnsembleRegressor node's {@code n_targets} (1 when absent), read without the rest */
    public static long targets(NodeAttributes a) {
        return TreeEnsembleReader.targets(a);
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
            s[weightIds[w]] = add(s[weightIds[w]], weights[w], inFloat);
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
        double value = average ? round(s[0] / roots.length, inFloat) : s[0];
        s[0] = add(value, origin, inFloat);
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

    /** @return {@code a + b} as ONNX Runtime sums it: in float when {@code inFloat}, else in double */
    static double add(double a, double b, boolean inFloat) {
        return round(a + b, inFloat);
    }

    private static double round(double value, boolean inFloat) {
        return inFloat ? (float) value : value;
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
