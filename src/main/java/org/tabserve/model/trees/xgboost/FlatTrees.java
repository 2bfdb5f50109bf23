package org.tabserve.model.trees.xgboost;

/**
 * A forest of number splits only, laid out to walk a row without missing values without a branch per node: each node
 * four ints (its feature, its threshold as an ordered key, the offsets of its left and right children; a leaf's
 * children are itself), each tree walked its depth's steps, the step's child chosen by the sign of the key's
 * difference. For finite thresholds and values that are not NaN, {@code key(x) < key(t)} exactly when {@code x < t} in
 * float32 (−0 taken as +0 first, as float's comparison takes them equal), so each row reaches the leaf
 * {@link NodeTable#leaf} reaches; rows with a NaN, and forests with a categorical split, walk the {@link NodeTable}.
 * Immutable.
 */
final class FlatTrees {

    /** Ints per node: feature, threshold key, left offset, right offset. */
    private static final int STRIDE = 4;

    /** Trees walked in step. */
    private static final int IN_STEP = 4;

    private final int[] nodes;
    private final int[] roots;
    private final int[] depths;
    /** The node table's values: a leaf at offset {@code o} has {@code values[o / STRIDE]}. */
    private final float[] values;
    /** The deepest of each {@link #IN_STEP} trees walked together (a leaf reached early stays). */
    private final int[] stepDepths;

    private FlatTrees(int[] nodes, int[] roots, int[] depths, float[] values) {
        this.nodes = nodes;
        this.roots = roots;
        this.depths = depths;
        this.values = values;
        this.stepDepths = new int[roots.length / IN_STEP];
        for (int i = 0; i < stepDepths.length; i++) {
            for (int t = i * IN_STEP; t < (i + 1) * IN_STEP; t++) {
                stepDepths[i] = Math.max(stepDepths[i], depths[t]);
            }
        }
    }

    /**
     * @param table the checked trees (every path within the depth bound, every threshold finite)
     * @param roots each tree's root in {@code table}
     * @return the layout, or null when a tree has a categorical split
     */
    static FlatTrees of(NodeTable table, int[] roots) {
        int n = table.left.length;
        for (int i = 0; i < n; i++) {
            if (table.categories[i] != null) {
                return null;
            }
        }
        int[] nodes = new int[n * STRIDE];
        for (int i = 0; i < n; i++) {
            int at = i * STRIDE;
            int left = table.left[i];
            if (left < 0) {
                nodes[at + 2] = at;
                nodes[at + 3] = at;
            } else {
                nodes[at] = table.feature[i];
                nodes[at + 1] = key(table.value[i]);
                nodes[at + 2] = left * STRIDE;
                nodes[at + 3] = (left + 1) * STRIDE;
            }
        }
        int[] offsets = new int[roots.length];
        int[] depths = new int[roots.length];
        int[] stack = new int[n];
        int[] depth = new int[n];
        for (int t = 0; t < roots.length; t++) {
            offsets[t] = roots[t] * STRIDE;
            int top = 0;
            stack[top++] = roots[t];
            depth[roots[t]] = 0;
            while (top > 0) {
                int node = stack[--top];
                depths[t] = Math.max(depths[t], depth[node]);
                int left = table.left[node];
                if (left >= 0) {
                    depth[left] = depth[node] + 1;
                    depth[left + 1] = depth[node] + 1;
                    stack[top++] = left;
                    stack[top++] = left + 1;
                }
            }
        }
        return new FlatTrees(nodes, offsets, depths, table.value);
    }

    /** @return a float's key: ordered as the floats are (−0 as +0), for values that are not NaN */
    static int key(float x) {
        int bits = Float.floatToRawIntBits(x + 0.0f);
        return bits ^ ((bits >> 31) & 0x7fffffff);
    }

    /**
     * Adds each tree's leaf value times its weight to its group's margin, tree after tree in order (in float32, as
     * XGBoost sums them); four trees walk in step, so that their chains of loads overlap.
     *
     * @param row the row's values as the predictor reads them (floats), none NaN, as {@link #key} keys
     */
    void sum(int[] row, int[] groups, float[] weights, float[] margins) {
        int[] n = nodes;
        float[] v = values;
        int trees = roots.length;
        int t = 0;
        for (; t + IN_STEP <= trees; t += IN_STEP) {
            int a = roots[t];
            int b = roots[t + 1];
            int c = roots[t + 2];
            int d = roots[t + 3];
            for (int s = stepDepths[t / IN_STEP]; s > 0; s--) {
                a = n[a + 3 - below(n, a, row)];
                b = n[b + 3 - below(n, b, row)];
                c = n[c + 3 - below(n, c, row)];
                d = n[d + 3 - below(n, d, row)];
            }
            margins[groups[t]] += v[a / STRIDE] * weights[t];
            margins[groups[t + 1]] += v[b / STRIDE] * weights[t + 1];
            margins[groups[t + 2]] += v[c / STRIDE] * weights[t + 2];
            margins[groups[t + 3]] += v[d / STRIDE] * weights[t + 3];
        }
        for (; t < trees; t++) {
            int a = roots[t];
            for (int s = depths[t]; s > 0; s--) {
                a = n[a + 3 - below(n, a, row)];
            }
            margins[groups[t]] += v[a / STRIDE] * weights[t];
        }
    }

    /** @return 1 when the row's key is below the node's threshold's (go left), else 0: the sign of their difference */
    private static int below(int[] n, int node, int[] row) {
        return (int) (((long) row[n[node]] - n[node + 1]) >>> 63);
    }
}
