package org.tabserve.model.trees.lightgbm;

import java.util.Arrays;
import org.tabserve.model.trees.TreeWalk;

/**
 * A LightGBM forest's constant-leaf trees for an exact explainer: tree {@code t}'s internal nodes numbered from
 * {@code base[t]}, its leaves after them; each branch sends a value where {@link LgbmTree#child} does. A random
 * forest's leaves are divided by its iterations, as its margins are averages.
 */
final class LightgbmWalk implements TreeWalk {

    private final LgbmTree[] trees;
    private final int classes;
    private final double divisor;
    private final int[] base;

    LightgbmWalk(LgbmTree[] trees, int classes, int divisor) {
        this.trees = trees;
        this.classes = classes;
        this.divisor = divisor;
        this.base = new int[trees.length + 1];
        for (int t = 0; t < trees.length; t++) {
            base[t + 1] = base[t] + 2 * trees[t].numLeaves - 1;
        }
    }

    @Override
    public int trees() {
        return trees.length;
    }

    @Override
    public int root(int t) {
        return base[t];
    }

    @Override
    public int margin(int t) {
        return t % classes;
    }

    private int tree(int node) {
        int i = Arrays.binarySearch(base, node);
        return i >= 0 ? i : -i - 2;
    }

    @Override
    public boolean isLeaf(int node) {
        int t = tree(node);
        return node - base[t] >= trees[t].numLeaves - 1;
    }

    @Override
    public int feature(int node) {
        int t = tree(node);
        return trees[t].splitFeature[node - base[t]];
    }

    @Override
    public int child(int node, double value) {
        int t = tree(node);
        LgbmTree tree = trees[t];
        int c = tree.child(node - base[t], LgbmTree.input(value));
        return c >= 0 ? base[t] + c : base[t] + tree.numLeaves - 1 + ~c;
    }

    @Override
    public double leafValue(int node) {
        int t = tree(node);
        return trees[t].leafValue[node - base[t] - (trees[t].numLeaves - 1)] / divisor;
    }
}
