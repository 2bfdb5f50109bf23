package org.tabserve.model.trees.lightgbm;

import org.tabserve.model.trees.ForestFormatException;

/**
 * Checks a LightGBM tree's children arrays make one tree: from the root 0, every internal node and every leaf reached
 * exactly once (no cycle, no shared child, none left out), no child out of range, no path deeper than the limit;
 * walked with an explicit stack, so a hostile depth costs no Java stack.
 */
final class TreeShape {

    private TreeShape() {}

    static void check(int[] left, int[] right, int numLeaves, int maxDepth, String at) {
        int inner = numLeaves - 1;
        boolean[] seenInner = new boolean[inner];
        boolean[] seenLeaf = new boolean[numLeaves];
        int[] stack = new int[inner];
        int[] depth = new int[inner];
        int top = 0;
        stack[top] = 0;
        depth[top++] = 0;
        seenInner[0] = true;
        int innerSeen = 1;
        int leavesSeen = 0;
        while (top > 0) {
            top--;
            int node = stack[top];
            int d = depth[top] + 1;
            for (int child : new int[] {left[node], right[node]}) {
                if (d > maxDepth) {
                    throw new ForestFormatException("left_child/right_child" + at
                            + " make a path deeper than the limit of " + maxDepth + " levels");
                }
                if (child >= 0) {
                    if (child >= inner) {
                        throw new ForestFormatException("left_child/right_child" + at + " name a node out of range");
                    }
                    if (seenInner[child]) {
                        throw new ForestFormatException(
                                "left_child/right_child" + at + " reach a node twice (a cycle or a shared child)");
                    }
                    seenInner[child] = true;
                    innerSeen++;
                    stack[top] = child;
                    depth[top++] = d;
                } else {
                    int leaf = ~child;
                    if (leaf >= numLeaves) {
                        throw new ForestFormatException("left_child/right_child" + at + " name a leaf out of range");
                    }
                    if (seenLeaf[leaf]) {
                        throw new ForestFormatException("left_child/right_child" + at + " reach a leaf twice");
                    }
                    seenLeaf[leaf] = true;
                    leavesSeen++;
                }
            }
        }
        if (innerSeen != inner || leavesSeen != numLeaves) {
            throw new ForestFormatException("left_child/right_child" + at + " leave nodes unreached: num_leaves lies");
        }
    }
}
