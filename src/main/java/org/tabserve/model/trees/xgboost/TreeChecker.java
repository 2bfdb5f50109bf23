package org.tabserve.model.trees.xgboost;

import java.util.Arrays;
import org.tabserve.model.trees.ForestFormatException;
import org.tabserve.model.trees.ForestLimits;

/**
 * Checks each tree of a {@link RawModel} as XGBoost's predictor will walk it, and copies it into a {@link NodeTable}:
 * arrays as long as {@code tree_param.num_nodes} declares; from the root, walked iteratively, every child in range,
 * reached once (no cycle), the right child beside the left, no path past the depth bound, features in range, split
 * thresholds and leaf values finite, categorical splits' codes within bounds.
 */
final class TreeChecker {

    private final ForestLimits limits;
    private final int features;

    TreeChecker(ForestLimits limits, int features) {
        this.limits = limits;
        this.features = features;
    }

    /** Copies tree {@code t} into {@code table} from node {@code offset} on; its nodes were counted by the reader. */
    void copy(int t, RawTree tree, NodeTable table, int offset) {
        String at = "tree " + t + "'s ";
        if (tree.id >= 0 && tree.id != t) {
            throw new ForestFormatException(at + "'id' is not its place in 'trees'");
        }
        if (tree.sizeLeafVector > 1) {
            throw new ForestFormatException(at + "'tree_param.size_leaf_vector' is above 1: a multi-target tree"
                    + " (multi_strategy multi_output_tree), which tabserve does not serve");
        }
        if (tree.numNodes < 1) {
            throw new ForestFormatException(at + "'tree_param.num_nodes' is missing or below 1");
        }
        int n = (int) Math.min(tree.numNodes, Integer.MAX_VALUE);
        sized(at, "left_children", tree.left == null ? -1 : tree.left.length, n);
        sized(at, "right_children", tree.right == null ? -1 : tree.right.length, n);
        sized(at, "split_indices", tree.splitIndex == null ? -1 : tree.splitIndex.length, n);
        sized(at, "split_conditions", tree.condition == null ? -1 : tree.condition.length, n);
        sized(at, "default_left", tree.defaultLeft == null ? -1 : tree.defaultLeft.length, n);
        if (tree.splitType != null) {
            sized(at, "split_type", tree.splitType.length, n);
        }
        int[][] sets = categorySets(at, tree, n);
        boolean[] reached = new boolean[n];
        int[] stack = new int[n];
        int[] depth = new int[n];
        int top = 0;
        stack[top++] = 0;
        reached[0] = true;
        while (top > 0) {
            int node = stack[--top];
            int d = depth[node];
            int g = offset + node;
            int l = tree.left[node];
            table.value[g] = tree.condition[node];
            if (l == -1) {
                table.left[g] = -1;
                if (!Float.isFinite(tree.condition[node])) {
                    throw new ForestFormatException(at + "'split_conditions' holds a leaf value that is not finite");
                }
                continue;
            }
            int r = tree.right[node];
            if (l < 0 || l >= n || r < 0 || r >= n) {
                throw new ForestFormatException(at + "'left_children' or 'right_children' names a node out of range");
            }
            if (r != l + 1) {
                throw new ForestFormatException(at + "'right_children' holds a right child that is not beside its"
                        + " left child, which XGBoost's predictor assumes");
            }
            if (reached[l] || reached[r]) {
                throw new ForestFormatException(at + "'left_children' or 'right_children' reach a node twice (a cycle"
                        + " or a shared child): not a tree");
            }
            if (d + 1 > limits.maxDepth()) {
                throw new ForestFormatException(
                        at + "depth is past the reader's bound of " + limits.maxDepth() + " levels");
            }
            int feature = tree.splitIndex[node];
            if (feature < 0 || feature >= features) {
                throw new ForestFormatException(at + "'split_indices' names a feature out of range");
            }
            table.left[g] = offset + l;
            table.feature[g] = feature;
            table.defaultLeft[g] = tree.defaultLeft[node] != 0;
            table.categories[g] = sets == null ? null : sets[node];
            if (table.categories[g] == null && !Float.isFinite(tree.condition[node])) {
                throw new ForestFormatException(at + "'split_conditions' holds a threshold that is not finite");
            }
            reached[l] = true;
            reached[r] = true;
            depth[l] = d + 1;
            depth[r] = d + 1;
            stack[top++] = l;
            stack[top++] = r;
        }
    }

    private static void sized(String at, String field, int length, int declared) {
        if (length < 0) {
            throw new ForestFormatException(at + "'" + field + "' is missing");
        }
        if (length != declared) {
            throw new ForestFormatException(at + "'" + field + "' holds " + length
                    + " values where 'tree_param.num_nodes' declares " + declared);
        }
    }

    /** @return each categorical split's codes, sorted, by node; null when the tree splits on no category */
    private int[][] categorySets(String at, RawTree tree, int n) {
        if (tree.splitType == null) {
            return null;
        }
        int[] nodes = tree.categoryNodes == null ? new int[0] : tree.categoryNodes;
        long[] segments = tree.categorySegments == null ? new long[0] : tree.categorySegments;
        long[] sizes = tree.categorySizes == null ? new long[0] : tree.categorySizes;
        int[] codes = tree.categories == null ? new int[0] : tree.categories;
        if (segments.length != nodes.length || sizes.length != nodes.length) {
            throw new ForestFormatException(
                    at + "'categories_nodes', 'categories_segments' and 'categories_sizes'" + " differ in length");
        }
        int[][] sets = new int[n][];
        for (int i = 0; i < nodes.length; i++) {
            int node = nodes[i];
            if (node < 0 || node >= n || (i > 0 && node <= nodes[i - 1])) {
                throw new ForestFormatException(at + "'categories_nodes' names a node out of range or out of order");
            }
            long begin = segments[i];
            long size = sizes[i];
            if (size < 1 || size > limits.maxCategories()) {
                throw new ForestFormatException(at + "'categories_sizes' holds a size below 1 or past the reader's"
                        + " bound of " + limits.maxCategories() + " categories");
            }
            if (begin < 0 || begin > codes.length - size) {
                throw new ForestFormatException(at + "'categories_segments' points outside 'categories'");
            }
            int[] set = Arrays.copyOfRange(codes, (int) begin, (int) (begin + size));
            for (int code : set) {
                if (code < 0) {
                    throw new ForestFormatException(at + "'categories' holds a negative category code");
                }
            }
            Arrays.sort(set);
            sets[node] = set;
        }
        for (int node = 0; node < n; node++) {
            int type = tree.splitType[node];
            if (type != 0 && type != 1) {
                throw new ForestFormatException(
                        at + "'split_type' holds a type other than 0 (number) and 1 (category)");
            }
            if ((type == 1) != (sets[node] != null)) {
                throw new ForestFormatException(at + "'split_type' and 'categories_nodes' disagree on a node");
            }
        }
        return sets;
    }
}
