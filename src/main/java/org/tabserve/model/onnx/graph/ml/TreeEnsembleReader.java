package org.tabserve.model.onnx.graph.ml;

import java.util.List;
import org.tabserve.model.onnx.graph.NodeAttributes;
import org.tabserve.model.onnx.graph.OnnxFormatException;

/**
 * Reads a tree ensemble's attributes into a {@link TreeEnsemble}, refusing what ONNX Runtime does not define or
 * tabserve does not read: thresholds, weights or base values as tensors; a regressor of several targets or of MIN or
 * MAX; a classifier of fewer than two labels, or of one score for two classes through PROBIT; node lists of different
 * lengths, a mode that is none, a node id repeated in its tree, a child not in its tree or the node itself, a tree
 * whose nodes are not listed together or whose first node is not its root (ONNX Runtime starts each tree at its first
 * node), a cycle, a weight of a branch or of a class out of range, more base values than classes. The reading is
 * bounded by the lists' sizes: primitive arrays and a {@link NodeIndex}, about 125 bytes a node at its peak.
 */
public final class TreeEnsembleReader {

    private final NodeAttributes a;
    private final boolean classifier;
    private int n;
    private byte[] mode;
    private int[] feature;
    private int[] whenTrue;
    private int[] whenFalse;
    private long[] treeIds;
    private NodeIndex index;

    private TreeEnsembleReader(NodeAttributes a) {
        this.a = a;
        this.classifier = a.node().opType().equals("TreeEnsembleClassifier");
    }

    /**
     * @param a a TreeEnsembleClassifier or TreeEnsembleRegressor node's attributes
     * @throws UnreadOperator naming what is not read (this class's description lists what)
     */
    public static TreeEnsemble read(NodeAttributes a) throws UnreadOperator, OnnxFormatException {
        return new TreeEnsembleReader(a).read();
    }

    /** @return a TreeEnsembleRegressor node's {@code n_targets} (1 when absent), read without the rest */
    public static long targets(NodeAttributes a) {
        return a.integer("n_targets", 1);
    }

    /**
     * @param a a TreeEnsembleClassifier or TreeEnsembleRegressor node's attributes
     * @return how many nodes it lists, counted without decoding the lists: what a reader sizes its heap by first
     */
    public static int nodeCount(NodeAttributes a) throws OnnxFormatException {
        return a.count("nodes_treeids");
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
     * @return whether a branch sends it the true way (a TreeEnsembleClassifier's or Regressor's listed branch, or any
     *         node of ai.onnx.ml 5's TreeEnsemble, whose node lists hold branches alone), or, of a
     *         TreeEnsembleClassifier or Regressor, every branch is BRANCH_LT
     */
    public static boolean routesMissing(NodeAttributes a) throws OnnxFormatException {
        long[] tracks = a.ints("nodes_missing_value_tracks_true");
        if (a.node().opType().equals("TreeEnsemble")) {
            for (long track : tracks) {
                if (track == 1) {
                    return true;
                }
            }
            return false; // its modes are a tensor, not read: only its tracks say
        }
        int[] modes = a.indexesIn("nodes_modes", TreeEnsemble.MODES);
        boolean branches = false;
        boolean lessThan = true;
        for (int i = 0; i < modes.length; i++) {
            if (modes[i] > 0) {
                if (i < tracks.length && tracks[i] == 1) {
                    return true;
                }
                branches = true;
                lessThan &= modes[i] == TreeEnsemble.LT;
            }
        }
        return branches && lessThan;
    }

    /** @return how many leaf weights the node lists (its classes' or targets'), counted without decoding them */
    public static int leafWeightCount(NodeAttributes a) throws OnnxFormatException {
        return a.count(prefix(a) + "weights");
    }

    /** @return the prefix of the leaf weights' lists: a classifier's {@code class_}, a regressor's {@code target_} */
    private static String prefix(NodeAttributes a) {
        return a.node().opType().equals("TreeEnsembleClassifier") ? "class_" : "target_";
    }

    private TreeEnsemble read() throws UnreadOperator, OnnxFormatException {
        String prefix = prefix(a);
        for (String tensor : List.of("nodes_values_as_tensor", "base_values_as_tensor", prefix + "weights_as_tensor")) {
            if (a.node().attribute(tensor).isPresent()) {
                throw unread(tensor + " (thresholds, weights and base values as tensors are not read)");
            }
        }
        PostTransform post = PostTransform.of(a);
        OperatorLabels labels = classifier ? OperatorLabels.read(a, OperatorLabels.INT64S) : null;
        boolean average = false;
        if (classifier && labels.size() < 2) {
            throw unread(labels.size() + " class labels (two or more are read)");
        }
        if (!classifier) {
            long targets = targets(a);
            String aggregate = a.text("aggregate_function", "SUM");
            if (targets != 1 || !(aggregate.equals("SUM") || aggregate.equals("AVERAGE"))) {
                throw unread("n_targets " + targets + ", aggregate_function " + aggregate + " (one target, summed or"
                        + " averaged, is read)");
            }
            average = aggregate.equals("AVERAGE");
        }
        float[] threshold = nodes();
        boolean[] tracksTrue = new boolean[n];
        long[] missing = a.ints("nodes_missing_value_tracks_true");
        for (int i = 0; i < Math.min(n, missing.length); i++) {
            tracksTrue[i] = missing[i] == 1; // ONNX Runtime's test: another value is false
        }
        int[] roots = roots();
        treeIds = null;
        acyclic(roots);
        int outputs = classifier ? labels.size() : 1;
        Weights weights = weights(prefix, outputs);
        index = null;
        float[] base = a.floats("base_values");
        TreeClasses classes = null;
        String unadditive = null;
        if (classifier) {
            if (base.length > outputs) {
                throw unread(base.length + " base values for " + outputs + " classes");
            }
            boolean oneScored = outputs == 2 && weights.classesNamed == 1;
            BinaryCase binary = null;
            if (oneScored) {
                binary = BinaryCase.trees(post, weights.allPositive);
                if (binary == null) {
                    throw unread("PROBIT of trees that score one class of two (ONNX Runtime writes one score where two"
                            + " are read)");
                }
                unadditive = weights.firstClass != 0
                        ? "its trees score the second of two classes alone"
                        : base.length > 1 ? "two base values for its one score" : null;
                binary = unadditive == null ? binary : null;
            } else if (outputs == 2 && (base.length > 0 || !everyLeafNames(1, weights))) {
                unadditive = "the second of its two classes is not weighted by every leaf, or it has base values";
            }
            classes = new TreeClasses(labels, base, post, oneScored, weights.allPositive, binary);
        }
        return new TreeEnsemble(
                roots,
                feature,
                mode,
                threshold,
                whenTrue,
                whenFalse,
                tracksTrue,
                weights.ids,
                weights.values,
                classes,
                !classifier && base.length == 1 ? base[0] : 0,
                average,
                post, // a regressor's, every one as the operator defines it: ONNX Runtime applies PROBIT alone
                // (OrtKnownErrors)
                unadditive);
    }

    /** Reads the node lists, indexes the nodes and links each branch to its children; @return the thresholds */
    private float[] nodes() throws UnreadOperator, OnnxFormatException {
        treeIds = a.ints("nodes_treeids");
        n = treeIds.length;
        long[] nodeIds = a.ints("nodes_nodeids");
        long[] featureIds = a.ints("nodes_featureids");
        int[] modes = a.indexesIn("nodes_modes", TreeEnsemble.MODES);
        float[] values = a.floats("nodes_values");
        long[] trueIds = a.ints("nodes_truenodeids");
        long[] falseIds = a.ints("nodes_falsenodeids");
        if (n == 0
                || nodeIds.length != n
                || featureIds.length != n
                || modes.length != n
                || values.length != n
                || trueIds.length != n
                || falseIds.length != n) {
            throw unread("its node lists are of different lengths, or empty");
        }
        index = new NodeIndex(n);
        mode = new byte[n];
        for (int i = 0; i < n; i++) {
            if (modes[i] < 0) {
                throw unread("node " + nodeIds[i] + " of tree " + treeIds[i] + " has a mode that is none of "
                        + TreeEnsemble.MODES);
            }
            mode[i] = (byte) modes[i];
            if (!index.put(treeIds[i], nodeIds[i], i)) {
                throw unread("node " + nodeIds[i] + " of tree " + treeIds[i] + " is there twice");
            }
        }
        feature = new int[n];
        whenTrue = new int[n];
        whenFalse = new int[n];
        for (int i = 0; i < n; i++) {
            if (mode[i] == TreeEnsemble.LEAF) {
                continue;
            }
            int t = index.get(treeIds[i], trueIds[i]);
            int f = index.get(treeIds[i], falseIds[i]);
            if (t < 0 || f < 0 || t == i || f == i || featureIds[i] < 0 || featureIds[i] >= Integer.MAX_VALUE) {
                throw unread("branch " + nodeIds[i] + " of tree " + treeIds[i] + " reads feature " + featureIds[i]
                        + " and goes to nodes " + trueIds[i] + " and " + falseIds[i] + ", not both others of its tree");
            }
            feature[i] = (int) featureIds[i];
            whenTrue[i] = t;
            whenFalse[i] = f;
        }
        return values;
    }

    /** @return each tree's root, its first node, in list order, once each tree is checked to be listed together */
    private int[] roots() throws UnreadOperator {
        int trees = NodeIndex.distinct(treeIds);
        int[] roots = new int[trees];
        boolean[] isChild = new boolean[n];
        for (int i = 0; i < n; i++) {
            if (mode[i] != TreeEnsemble.LEAF) {
                isChild[whenTrue[i]] = true;
                isChild[whenFalse[i]] = true;
            }
        }
        int found = 0;
        for (int i = 0; i < n; i++) {
            boolean first = i == 0 || treeIds[i] != treeIds[i - 1];
            if (first && found == trees) {
                throw unread("the nodes of tree " + treeIds[i] + " are not listed together");
            }
            if (first != !isChild[i]) {
                throw unread("tree " + treeIds[i] + "'s root is not its first node, or it has two roots");
            }
            if (first) {
                roots[found++] = i;
            }
        }
        return roots;
    }

    /** Refuses a tree in which a walk could come back to a node it passed: it would never reach a leaf. */
    private void acyclic(int[] roots) throws UnreadOperator {
        byte[] state = new byte[n]; // 0 not seen; on the path: 1, 2 once its true child is taken, 3 once both; 4 done
        int[] path = new int[n];
        for (int root : roots) {
            int depth = 0;
            path[depth++] = root;
            state[root] = 1;
            while (depth > 0) {
                int v = path[depth - 1];
                if (mode[v] == TreeEnsemble.LEAF || state[v] == 3) {
                    state[v] = 4;
                    depth--;
                    continue;
                }
                int child = state[v] == 1 ? whenTrue[v] : whenFalse[v];
                state[v]++;
                if (state[child] >= 1 && state[child] <= 3) {
                    throw unread("a path of its trees comes back to a node it passed");
                }
                if (state[child] == 0) {
                    state[child] = 1;
                    path[depth++] = child;
                }
            }
        }
    }

    /** A classifier's class weights or a regressor's target weights, grouped by leaf in list order. */
    private static final class Weights {
        int[] ids;
        float[] values;
        boolean allPositive = true;
        int classesNamed;
        int firstClass = -1;
    }

    /** @return whether every leaf has a weight for output {@code id} */
    private boolean everyLeafNames(int id, Weights weights) {
        for (int leaf = 0; leaf < n; leaf++) {
            boolean named = mode[leaf] != TreeEnsemble.LEAF;
            for (int w = whenTrue[leaf]; !named && w < whenTrue[leaf] + whenFalse[leaf]; w++) {
                named = weights.ids[w] == id;
            }
            if (!named) {
                return false;
            }
        }
        return true;
    }

    private Weights weights(String prefix, int outputs) throws UnreadOperator, OnnxFormatException {
        long[] trees = a.ints(prefix + "treeids");
        long[] nodes = a.ints(prefix + "nodeids");
        long[] ids = a.ints(prefix + "ids");
        float[] values = a.floats(prefix + "weights");
        if (nodes.length != trees.length || ids.length != trees.length || values.length != trees.length) {
            throw unread("its weight lists are of different lengths");
        }
        int[] at = new int[trees.length];
        int[] count = new int[n];
        Weights weights = new Weights();
        boolean[] named = new boolean[outputs];
        for (int l = 0; l < trees.length; l++) {
            at[l] = index.get(trees[l], nodes[l]);
            if (at[l] < 0 || mode[at[l]] != TreeEnsemble.LEAF || ids[l] < 0 || ids[l] >= outputs) {
                throw unread("weight " + l + " is for node " + nodes[l] + " of tree " + trees[l] + " and output "
                        + ids[l] + ", not a leaf's output of " + outputs);
            }
            count[at[l]]++;
            weights.allPositive &= !(values[l] < 0);
            if (!named[(int) ids[l]]) {
                named[(int) ids[l]] = true;
                weights.classesNamed++;
                weights.firstClass = weights.firstClass < 0 ? (int) ids[l] : weights.firstClass;
            }
        }
        int next = 0;
        for (int i = 0; i < n; i++) {
            if (mode[i] == TreeEnsemble.LEAF) {
                whenTrue[i] = next;
                whenFalse[i] = 0;
                next += count[i];
            }
        }
        weights.ids = new int[trees.length];
        weights.values = new float[trees.length];
        for (int l = 0; l < trees.length; l++) {
            int w = whenTrue[at[l]] + whenFalse[at[l]]++;
            weights.ids[w] = (int) ids[l];
            weights.values[w] = values[l];
        }
        return weights;
    }

    private UnreadOperator unread(String why) {
        return UnreadOperator.at(a, why);
    }
}
