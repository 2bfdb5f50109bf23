package org.tabserve.model.trees.xgboost;

import java.util.Arrays;

/**
 * Every node of a forest's trees in one table, numbered across trees, with the rule XGBoost's predictor sends a value
 * down by ({@code predict_fn.h}'s {@code GetNextNode}): a missing value (NaN) to the default child; a number to the
 * left when {@code value < split_condition} in float32; a category to the RIGHT when its code is in the split's set,
 * to the left otherwise (and when negative or past 2^24, {@code common::Decision}). The right child is the left child
 * plus one, as the predictor assumes (a file breaking that is refused at load).
 */
final class NodeTable {

    /** XGBoost's {@code OutOfRangeCat()}: a category code from here on is invalid, and goes left. */
    private static final float OUT_OF_RANGE_CAT = 16777216f;

    final int[] left;
    final int[] feature;
    /** A split's threshold, or a leaf's value. */
    final float[] value;

    final boolean[] defaultLeft;
    /** A categorical split's codes, sorted; null for a number split or a leaf. */
    final int[][] categories;

    NodeTable(int nodes) {
        left = new int[nodes];
        feature = new int[nodes];
        value = new float[nodes];
        defaultLeft = new boolean[nodes];
        categories = new int[nodes][];
        // a node no root reaches (one XGBoost's pruner deleted) stays a leaf of value 0
        Arrays.fill(left, -1);
    }

    boolean isLeaf(int node) {
        return left[node] < 0;
    }

    /** @return the child node {@code x} (the row's value as DMatrix holds it: a float, NaN missing) goes to */
    int next(int node, float x) {
        if (Float.isNaN(x)) {
            return defaultLeft[node] ? left[node] : left[node] + 1;
        }
        int[] set = categories[node];
        boolean goLeft;
        if (set == null) {
            goLeft = x < value[node];
        } else if (x < 0 || x >= OUT_OF_RANGE_CAT) {
            goLeft = true;
        } else {
            goLeft = Arrays.binarySearch(set, (int) x) < 0;
        }
        return goLeft ? left[node] : left[node] + 1;
    }

    /** @return the leaf a row reaches from {@code root} */
    int leaf(int root, double[] row) {
        int node = root;
        while (left[node] >= 0) {
            node = next(node, (float) row[feature[node]]);
        }
        return node;
    }
}
