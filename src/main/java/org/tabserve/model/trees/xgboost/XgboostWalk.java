package org.tabserve.model.trees.xgboost;

import org.tabserve.model.trees.TreeWalk;

/**
 * An XGBoost forest's trees for exact TreeSHAP: the nodes of {@link NodeTable}, children by predict's own rule, leaf
 * values in margin space as predict adds them (a DART tree's leaves times its weight, in float32).
 */
final class XgboostWalk implements TreeWalk {

    private final NodeTable nodes;
    private final int[] roots;
    private final int[] groups;
    private final float[] weighted;

    XgboostWalk(NodeTable nodes, int[] roots, int[] groups, float[] weights) {
        this.nodes = nodes;
        this.roots = roots;
        this.groups = groups;
        this.weighted = new float[nodes.value.length];
        for (int t = 0; t < roots.length; t++) {
            int end = t + 1 < roots.length ? roots[t + 1] : weighted.length;
            for (int node = roots[t]; node < end; node++) {
                weighted[node] = nodes.value[node] * weights[t];
            }
        }
    }

    @Override
    public int trees() {
        return roots.length;
    }

    @Override
    public int root(int t) {
        return roots[t];
    }

    @Override
    public int margin(int t) {
        return groups[t];
    }

    @Override
    public boolean isLeaf(int node) {
        return nodes.isLeaf(node);
    }

    @Override
    public int feature(int node) {
        return nodes.feature[node];
    }

    @Override
    public int child(int node, double value) {
        return nodes.next(node, (float) value);
    }

    @Override
    public double leafValue(int node) {
        return weighted[node];
    }
}
