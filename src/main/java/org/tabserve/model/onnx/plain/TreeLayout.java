package org.tabserve.model.onnx.plain;

import java.util.Arrays;
import org.tabserve.model.onnx.graph.ml.TreeEnsemble;

/**
 * A {@link TreeEnsemble}'s nodes laid out for {@link TreeWalker}, read from its accessors once: each node in four ints
 * of one array (the feature it reads, its threshold's float bits, and its two children side by side), every
 * comparison made {@code x <= threshold} to the first child, so that a step is one comparison and one load without a
 * branch to mispredict: BRANCH_LEQ as it is, BRANCH_LT at the float below its threshold ({@code x < t} is
 * {@code x <= nextDown(t)} for a float {@code x}), BRANCH_GT and BRANCH_GTE the same with their children swapped, and
 * a comparison that no number passes (a NaN threshold, or LT of minus infinity) at a NaN threshold. A leaf is its own
 * two children (feature 0, its ensemble node in the threshold's place), so that a walk may take each tree's
 * {@link #depth} steps whatever leaf it reaches first. A NaN goes to the second child at every branch, which is the
 * ensemble's way where its missing track agrees ({@link #nanAsCompared}); else rows with a NaN walk the ensemble
 * itself. An ensemble with BRANCH_EQ or BRANCH_NEQ is not laid out.
 *
 * <p>When each tree's leaves all add one weight to the same output (boosted trees; a regressor, where a leaf of no
 * weight adds 0), each leaf's weight is kept in {@link #leafValue} and each tree's output in {@link #treeOutput}.
 *
 * <p>Memory: 16 bytes a node (its four ints) and 4 more where leaves keep their values; while it is read, 12 more a
 * node (heights and their stack).
 */
final class TreeLayout {

    private final int[] roots;
    private final int[] depth;
    /** Null when the ensemble is not laid out. */
    private final int[] nodes;

    private final boolean nanAsCompared;
    private final int[] treeOutput;
    private final float[] leafValue;
    private final boolean[] weighted;

    private TreeLayout(
            int[] roots,
            int[] depth,
            int[] nodes,
            boolean nanAsCompared,
            int[] treeOutput,
            float[] leafValue,
            boolean[] weighted) {
        this.roots = roots;
        this.depth = depth;
        this.nodes = nodes;
        this.nanAsCompared = nanAsCompared;
        this.treeOutput = treeOutput;
        this.leafValue = leafValue;
        this.weighted = weighted;
    }

    static TreeLayout of(TreeEnsemble trees) {
        int n = trees.nodes();
        for (int i = 0; i < n; i++) {
            if (trees.mode(i) == TreeEnsemble.EQ || trees.mode(i) == TreeEnsemble.NEQ) {
                return new TreeLayout(null, null, null, false, null, null, null);
            }
        }
        int[] nodes = new int[4 * n];
        boolean nanAsCompared = true;
        for (int i = 0; i < n; i++) {
            int o = 4 * i;
            int mode = trees.mode(i);
            if (mode == TreeEnsemble.LEAF) {
                nodes[o + 1] = i;
                nodes[o + 2] = o;
                nodes[o + 3] = o;
                continue;
            }
            float t = trees.threshold(i);
            boolean swapped = mode == TreeEnsemble.GT || mode == TreeEnsemble.GTE;
            float at = mode == TreeEnsemble.LT || mode == TreeEnsemble.GTE ? below(t) : t;
            if (Float.isNaN(t)) { // no number compares true with a NaN threshold: each goes to the false child
                swapped = false;
            }
            int first = swapped ? trees.whenFalse(i) : trees.whenTrue(i);
            int second = swapped ? trees.whenTrue(i) : trees.whenFalse(i);
            // a NaN compares false with every threshold here, as in each of the four modes
            int nanGoes = trees.missingTracksTrue(i) ? trees.whenTrue(i) : trees.whenFalse(i);
            nanAsCompared &= nanGoes == second;
            nodes[o] = trees.feature(i);
            nodes[o + 1] = Float.isNaN(at) ? Integer.MIN_VALUE : key(at);
            nodes[o + 2] = 4 * first;
            nodes[o + 3] = 4 * second;
        }
        int[] roots = new int[trees.trees()];
        int[] depth = new int[roots.length];
        int[] height = heights(trees);
        for (int t = 0; t < roots.length; t++) {
            roots[t] = 4 * trees.root(t);
            depth[t] = height[trees.root(t)];
        }
        return oneOutput(trees, roots, depth, nodes, nanAsCompared);
    }

    /** @return each node's height: 0 for a leaf, else one more than its higher child's */
    private static int[] heights(TreeEnsemble trees) {
        int n = trees.nodes();
        int[] height = new int[n];
        Arrays.fill(height, -1);
        int[] stack = new int[2 * n + 1]; // a node is pushed by a root or a parent once each
        for (int t = 0; t < trees.trees(); t++) {
            int size = 0;
            stack[size++] = trees.root(t);
            while (size > 0) {
                int v = stack[size - 1];
                if (trees.isLeaf(v)) {
                    height[v] = 0;
                    size--;
                    continue;
                }
                int a = height[trees.whenTrue(v)];
                int b = height[trees.whenFalse(v)];
                if (a >= 0 && b >= 0) {
                    height[v] = 1 + Math.max(a, b);
                    size--;
                    continue;
                }
                if (a < 0) {
                    stack[size++] = trees.whenTrue(v);
                }
                if (b < 0) {
                    stack[size++] = trees.whenFalse(v);
                }
            }
        }
        return height;
    }

    /**
     * @return an int that orders as its float does: {@code key(a) <= key(b)} exactly when {@code a <= b}, but for
     *         zeros (-0 keys below +0, so a threshold is never -0: it compares as +0) and NaN, which keys above every
     *         number, so that it goes to a branch's second child as its comparison sends it
     */
    static int key(float value) {
        int bits = Float.floatToIntBits(value == 0 ? 0f : value);
        return bits ^ ((bits >> 31) & 0x7FFFFFFF);
    }

    /** @return the greatest float less than {@code t}, NaN where none is (so that nothing compares below it) */
    private static float below(float t) {
        return t == Float.NEGATIVE_INFINITY ? Float.NaN : Math.nextDown(t);
    }

    /** Keeps each leaf's one weight where every tree's leaves weight one output alike. */
    private static TreeLayout oneOutput(
            TreeEnsemble trees, int[] roots, int[] depth, int[] nodes, boolean nanAsCompared) {
        int n = trees.nodes();
        int[] treeOutput = new int[roots.length];
        float[] leafValue = new float[n];
        boolean[] weighted = new boolean[trees.outputs()];
        int t = -1;
        for (int i = 0; i < n; i++) {
            if (t + 1 < roots.length && trees.root(t + 1) == i) {
                t++;
                treeOutput[t] = -1;
            }
            if (!trees.isLeaf(i)) {
                continue;
            }
            int count = trees.weightCount(i);
            int output = count == 0 ? 0 : trees.weightId(i, 0);
            boolean one = count == 1 || (count == 0 && !trees.classifier());
            if (!one || (treeOutput[t] >= 0 && treeOutput[t] != output)) {
                return new TreeLayout(roots, depth, nodes, nanAsCompared, null, null, null);
            }
            treeOutput[t] = output;
            leafValue[i] = count == 0 ? 0 : trees.weight(i, 0);
            weighted[output] |= count == 1;
        }
        return new TreeLayout(roots, depth, nodes, nanAsCompared, treeOutput, leafValue, weighted);
    }

    /** @return whether rows of floats may walk it (else each walks the ensemble) */
    boolean laidOut() {
        return nodes != null;
    }

    /** @return whether a NaN goes the ensemble's way at every branch, so that no row needs to be checked for one */
    boolean nanAsCompared() {
        return nanAsCompared;
    }

    /** @return whether each tree's leaves add one weight each to one output ({@link #treeOutput}) */
    boolean oneOutputTrees() {
        return treeOutput != null;
    }

    /** @return each tree's root's offset in {@link #nodes} */
    int[] roots() {
        return roots;
    }

    /** @return each tree's steps from its root to its deepest leaf */
    int[] depth() {
        return depth;
    }

    /**
     * @return four ints a node, at four times its ensemble index: the feature it reads, its threshold's float bits,
     *         the child's offset when the value is at most the threshold, the child's otherwise; a leaf's: 0, its
     *         ensemble node, and its own offset twice
     */
    int[] nodes() {
        return nodes;
    }

    /** @return the output each tree's leaves add to */
    int[] treeOutput() {
        return treeOutput;
    }

    /** @return each node's one weight by its ensemble index (0 where a regressor's leaf has none) */
    float[] leafValue() {
        return leafValue;
    }

    /** @return whether a leaf weights output {@code k}, and so every row's walk reaches one that does */
    boolean weighted(int k) {
        return weighted[k];
    }
}
