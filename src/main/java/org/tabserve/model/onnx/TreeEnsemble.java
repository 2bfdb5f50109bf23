package org.tabserve.model.onnx;

import org.tabserve.model.Explanation;
import org.tabserve.model.onnx.graph.NodeAttributes;
import org.tabserve.model.onnx.graph.OnnxFormatException;
import org.tabserve.model.onnx.graph.OnnxNode;

import java.util.List;

/**
 * A TreeEnsembleClassifier or TreeEnsembleRegressor (ai.onnx.ml, thresholds as {@code nodes_values}) read from its
 * attributes, with interventional TreeSHAP (Lundberg et al. 2020, "From local explanations to global understanding
 * with explainable AI for trees", Algorithm 3) over groups of input elements: for each background row b, each tree is
 * walked once along the paths the explained row x and b take, following both where they part; a leaf reached with
 * the groups in X taken from x and those in B from b adds its value v to the game only for coalitions holding all of
 * X and none of B, whose Shapley values are v (|X|-1)! |B|! / (|X|+|B|)! for each group of X and minus
 * v |X|! (|B|-1)! / (|X|+|B|)! for each of B. A path that would need one group from both rows is not followed.
 */
final class TreeEnsemble extends AdditiveEstimator {

    private static final int LEAF = 0;
    private static final int LEQ = 1;
    private static final int LT = 2;
    private static final int GTE = 3;
    private static final int GT = 4;
    private static final int EQ = 5;
    private static final int NEQ = 6;
    /** The node modes' words, each at its constant's index. */
    private static final List<String> MODES = List.of("LEAF", "BRANCH_LEQ", "BRANCH_LT", "BRANCH_GTE", "BRANCH_GT",
            "BRANCH_EQ", "BRANCH_NEQ");

    private final int outputs;
    private final int[] roots;
    private final int[] feature;
    private final int[] mode;
    private final float[] threshold;
    private final int[] whenTrue;
    private final int[] whenFalse;
    private final boolean[] missingTracksTrue;
    /** Each leaf's value per output, already scaled for an AVERAGE; null for a branch. */
    private final double[][] leafValues;
    private final double[] base;
    /**
     * For a binary classifier whose trees score one class, the score s of class 1: class 0's is this minus s, as
     * ONNX Runtime gives it (1 &minus; s for probabilities, &minus;s for a margin); NaN for any other ensemble.
     */
    private final double binaryComplement;
    /** The trees' levels in all: each tree's depth, its longest path from the root to a leaf, summed. */
    private final long levels;

    private TreeEnsemble(List<String> labels, String postTransform, int outputs, int[] roots, int[] feature,
                         int[] mode, float[] threshold, int[] whenTrue, int[] whenFalse, boolean[] missingTracksTrue,
                         double[][] leafValues, double[] base, double binaryComplement) {
        super(Explanation.TREE, labels, postTransform);
        this.outputs = outputs;
        this.roots = roots;
        this.feature = feature;
        this.mode = mode;
        this.threshold = threshold;
        this.whenTrue = whenTrue;
        this.whenFalse = whenFalse;
        this.missingTracksTrue = missingTracksTrue;
        this.leafValues = leafValues;
        this.base = base;
        this.binaryComplement = binaryComplement;
        long sum = 0;
        for (int root : roots) {
            sum += depth(root);
        }
        this.levels = sum;
    }

    /** The longest path from {@code root} to a leaf, in branches, walked without recursion (a tree may be deep). */
    private int depth(int root) {
        int deepest = 0;
        java.util.ArrayDeque<int[]> open = new java.util.ArrayDeque<>();
        open.push(new int[]{root, 0});
        for (int visited = 0; !open.isEmpty() && visited <= mode.length; visited++) { // a tree visits each node once
            int[] at = open.pop();
            if (mode[at[0]] == LEAF) {
                deepest = Math.max(deepest, at[1]);
            } else {
                open.push(new int[]{whenTrue[at[0]], at[1] + 1});
                open.push(new int[]{whenFalse[at[0]], at[1] + 1});
            }
        }
        return Math.max(1, deepest);
    }

    /**
     * TreeSHAP walks every tree once per background row, a walk as long as the tree is deep (longer where the row
     * and the background row part): a model row per tree level per background row, the trees' levels summed.
     */
    @Override
    long modelRows(int backgroundRows) {
        return levels * backgroundRows;
    }

    @Override
    String work(int backgroundRows) {
        return "walking its " + roots.length + " trees (" + levels + " levels in all) against " + backgroundRows
                + " background rows, " + modelRows(backgroundRows) + " model rows' work";
    }

    /**
     * @param width the estimator's input elements
     * @return the ensemble, or null when its attributes are of a kind not read here (thresholds as tensors, MIN or
     *         MAX aggregation, a binary classifier scoring one class, features out of range, a node id repeated)
     */
    static TreeEnsemble of(OnnxNode node, int width) throws OnnxFormatException {
        NodeAttributes a = new NodeAttributes(node);
        boolean classifier = node.opType().equals("TreeEnsembleClassifier");
        String prefix = classifier ? "class_" : "target_";
        long[] treeIds = a.ints("nodes_treeids");
        long[] nodeIds = a.ints("nodes_nodeids");
        long[] featureIds = a.ints("nodes_featureids");
        int[] mode = a.indexesIn("nodes_modes", MODES); // as the constants above, -1 for a mode not read here
        float[] values = a.floats("nodes_values");
        long[] trueIds = a.ints("nodes_truenodeids");
        long[] falseIds = a.ints("nodes_falsenodeids");
        long[] missing = a.ints("nodes_missing_value_tracks_true");
        long[] leafTrees = a.ints(prefix + "treeids");
        long[] leafNodes = a.ints(prefix + "nodeids");
        long[] leafIds = a.ints(prefix + "ids");
        float[] leafWeights = a.floats(prefix + "weights");
        String aggregate = a.text("aggregate_function", "SUM");
        int n = treeIds.length;
        if (n == 0 || nodeIds.length != n || featureIds.length != n || mode.length != n || values.length != n
                || trueIds.length != n || falseIds.length != n || (missing.length != 0 && missing.length != n)
                || leafNodes.length != leafTrees.length || leafIds.length != leafTrees.length
                || leafWeights.length != leafTrees.length
                || !(aggregate.equals("SUM") || aggregate.equals("AVERAGE"))) {
            return null;
        }
        List<String> labels = classifier ? a.classLabels() : List.of();
        int outputs = classifier ? (labels == null ? 0 : labels.size()) : (int) a.integer("n_targets", 1);
        if (outputs <= 0 || (!classifier && outputs != 1)) {
            return null;
        }
        int trees = NodeIndex.distinct(treeIds);
        NodeIndex index = new NodeIndex(n);
        for (int i = 0; i < n; i++) {
            if (!index.put(treeIds[i], nodeIds[i], i)) {
                return null;
            }
        }
        int[] feature = new int[n];
        int[] whenTrue = new int[n];
        int[] whenFalse = new int[n];
        boolean[] isChild = new boolean[n];
        boolean[] tracksTrue = new boolean[n];
        for (int i = 0; i < n; i++) {
            if (mode[i] < 0) {
                return null;
            }
            tracksTrue[i] = missing.length != 0 && missing[i] != 0;
            if (mode[i] == LEAF) {
                continue;
            }
            int t = index.get(treeIds[i], trueIds[i]);
            int f = index.get(treeIds[i], falseIds[i]);
            if (t < 0 || f < 0 || featureIds[i] < 0 || featureIds[i] >= width) {
                return null;
            }
            feature[i] = (int) featureIds[i];
            whenTrue[i] = t;
            whenFalse[i] = f;
            isChild[t] = true;
            isChild[f] = true;
        }
        int[] roots = new int[trees];
        int found = 0;
        for (int i = 0; i < n; i++) {
            if (!isChild[i]) {
                if (found == roots.length) {
                    return null;
                }
                roots[found++] = i;
            }
        }
        if (found != roots.length) {
            return null;
        }
        double scale = aggregate.equals("AVERAGE") ? 1.0 / roots.length : 1.0;
        long firstId = leafIds.length == 0 ? 0 : leafIds[0];
        boolean oneScored = true;
        for (long id : leafIds) {
            oneScored &= id == firstId;
        }
        String post = a.text("post_transform", "NONE");
        double binaryComplement = Double.NaN;
        if (classifier && outputs == 2 && oneScored) {
            // ONNX Runtime's binary case: the trees' one score is class 1's, class 0's is derived from it.
            boolean positive = true;
            for (float w : leafWeights) {
                positive &= w >= 0;
            }
            binaryComplement = post.equals("NONE") && positive ? 1 : 0;
            outputs = 1;
            leafIds = new long[leafIds.length]; // every weight scores the one output
        }
        double[][] leafValues = new double[n][];
        boolean[] scored = new boolean[outputs];
        for (int l = 0; l < leafTrees.length; l++) {
            int at = index.get(leafTrees[l], leafNodes[l]);
            if (at < 0 || mode[at] != LEAF || leafIds[l] < 0 || leafIds[l] >= outputs) {
                return null;
            }
            if (leafValues[at] == null) {
                leafValues[at] = new double[outputs];
            }
            leafValues[at][(int) leafIds[l]] += leafWeights[l] * scale;
            scored[(int) leafIds[l]] = true;
        }
        for (int i = 0; i < n; i++) {
            if (mode[i] == LEAF && leafValues[i] == null) {
                leafValues[i] = new double[outputs];
            }
        }
        for (boolean s : scored) {
            if (!s) {
                return null; // a binary classifier that scores one class: ONNX Runtime derives the other
            }
        }
        double[] base = new double[outputs];
        float[] baseValues = a.floats("base_values");
        if (baseValues.length > 0) {
            if (baseValues.length != outputs) {
                return null; // two for a binary ensemble: ONNX Runtime then adds each to its own class
            }
            for (int c = 0; c < outputs; c++) {
                base[c] = baseValues[c];
            }
        }
        return new TreeEnsemble(labels, post, outputs, roots, feature, mode, values, whenTrue, whenFalse, tracksTrue,
                leafValues, base, binaryComplement);
    }

    @Override
    double[] margins(float[] features) {
        double[] scores = base.clone();
        for (int root : roots) {
            int node = root;
            while (mode[node] != LEAF) {
                node = goesTrue(node, features[feature[node]]) ? whenTrue[node] : whenFalse[node];
            }
            for (int c = 0; c < outputs; c++) {
                scores[c] += leafValues[node][c];
            }
        }
        return Double.isNaN(binaryComplement) ? scores : new double[]{binaryComplement - scores[0], scores[0]};
    }

    /** As ONNX Runtime decides: a missing value goes the true way where the node says so, else the comparison's. */
    private boolean goesTrue(int node, float value) {
        if (Float.isNaN(value) && missingTracksTrue[node]) {
            return true;
        }
        float t = threshold[node];
        return switch (mode[node]) {
            case LEQ -> value <= t;
            case LT -> value < t;
            case GTE -> value >= t;
            case GT -> value > t;
            case EQ -> value == t;
            default -> value != t;
        };
    }

    @Override
    void contributions(float[] x, float[][] background, int target, int[] groupOf, double[] phi) {
        int groups = phi.length;
        boolean binary = !Double.isNaN(binaryComplement);
        Walk walk = new Walk(x, binary ? 0 : target, groupOf, groups, phi,
                (binary && target == 0 ? -1.0 : 1.0) / background.length);
        for (float[] b : background) {
            walk.b = b;
            for (int root : roots) {
                walk.visit(root, 0, 0, 0);
            }
        }
    }

    /** One explained row's walks: the state of each group on the current path, and the Shapley weights. */
    private final class Walk {
        private static final byte FROM_X = 1;
        private static final byte FROM_B = 2;

        private final float[] x;
        private final int target;
        private final int[] groupOf;
        private final double[] phi;
        /** 1 / background rows, negative for the class a binary ensemble's score counts against. */
        private final double share;
        private final byte[] state;
        private final int[] path;
        /** weight[a][c] = a! c! / (a + c + 1)!. */
        private final double[][] weight;
        private float[] b;

        Walk(float[] x, int target, int[] groupOf, int groups, double[] phi, double share) {
            this.x = x;
            this.target = target;
            this.groupOf = groupOf;
            this.phi = phi;
            this.share = share;
            this.state = new byte[groups];
            this.path = new int[groups];
            this.weight = new double[groups + 1][groups + 1];
            for (int a = 0; a <= groups; a++) {
                for (int c = 0; a + c < groups; c++) {
                    double binomial = 1; // C(a + c, a)
                    for (int i = 1; i <= a; i++) {
                        binomial = binomial * (c + i) / i;
                    }
                    weight[a][c] = 1 / ((a + c + 1) * binomial);
                }
            }
        }

        /** @param depth groups on the path so far ({@link #path}), {@code nx} of them from x, {@code nb} from b */
        void visit(int node, int depth, int nx, int nb) {
            if (mode[node] == LEAF) {
                double v = leafValues[node][target] * share;
                if (nx + nb == 0 || v == 0) {
                    return;
                }
                double gain = nx > 0 ? v * weight[nx - 1][nb] : 0;
                double loss = nb > 0 ? v * weight[nx][nb - 1] : 0;
                for (int i = 0; i < depth; i++) {
                    int g = path[i];
                    phi[g] += state[g] == FROM_X ? gain : -loss;
                }
                return;
            }
            int j = feature[node];
            boolean xWay = goesTrue(node, x[j]);
            boolean bWay = goesTrue(node, b[j]);
            if (xWay == bWay) {
                visit(xWay ? whenTrue[node] : whenFalse[node], depth, nx, nb);
                return;
            }
            int g = groupOf[j];
            if (state[g] == FROM_X) {
                visit(xWay ? whenTrue[node] : whenFalse[node], depth, nx, nb);
            } else if (state[g] == FROM_B) {
                visit(bWay ? whenTrue[node] : whenFalse[node], depth, nx, nb);
            } else {
                path[depth] = g;
                state[g] = FROM_X;
                visit(xWay ? whenTrue[node] : whenFalse[node], depth + 1, nx + 1, nb);
                state[g] = FROM_B;
                visit(bWay ? whenTrue[node] : whenFalse[node], depth + 1, nx, nb + 1);
                state[g] = 0;
            }
        }
    }
}
