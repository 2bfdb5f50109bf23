package org.tabserve.model.onnx.shapley;

import java.util.List;
import org.tabserve.model.explain.Explanation;
import org.tabserve.model.explain.TreeShapley;
import org.tabserve.model.explain.WalkedTrees;
import org.tabserve.model.onnx.graph.ml.BinaryCase;
import org.tabserve.model.onnx.graph.ml.TreeEnsemble;

/**
 * A TreeEnsembleClassifier's or TreeEnsembleRegressor's margins ({@link TreeEnsemble}, read once for every reader)
 * explained by interventional TreeSHAP over groups of input elements: the ensemble seen as {@link WalkedTrees}, each
 * leaf adding its weights to their margins, walked by {@link TreeShapley}, the one walk of every tree model served. A
 * binary case's one score stands for its two classes ({@link BinaryCase#complement()}).
 */
final class TreeShap extends AdditiveEstimator {

    private final TreeEnsemble trees;
    private final TreeShapley shapley;
    /** The last background explained against, widened; replaced when another is given. */
    private volatile Widened widened;

    private TreeShap(TreeEnsemble trees) {
        super(Explanation.TREE, trees.classifier() ? trees.classLabels().texts() : List.of(), trees.marginTransform());
        this.trees = trees;
        BinaryCase binary = trees.binary();
        double[] base = new double[trees.margins()];
        for (int k = 0; k < base.length; k++) {
            base[k] = trees.baseMargin(k);
        }
        int[] depths = new int[trees.trees()];
        for (int t = 0; t < depths.length; t++) {
            depths[t] = depth(trees.root(t));
        }
        this.shapley =
                new TreeShapley(new Ensemble(trees), base, binary == null ? Double.NaN : binary.complement(), depths);
    }

    /**
     * @param width the estimator's input elements
     * @throws IllegalArgumentException when its scores are not its margins through a transform, or a branch reads an
     *                                  element past {@code width}
     */
    static TreeShap of(TreeEnsemble trees, int width) {
        if (trees.unadditive() != null) {
            throw new IllegalArgumentException(
                    "its tree ensemble's scores are not sums over its trees: " + trees.unadditive());
        }
        if (trees.width() > width) {
            throw new IllegalArgumentException("its trees read input element " + (trees.width() - 1) + " of " + width);
        }
        return new TreeShap(trees);
    }

    /** The longest path from {@code root} to a leaf, in branches, walked without recursion (a tree may be deep). */
    private int depth(int root) {
        int deepest = 0;
        java.util.ArrayDeque<int[]> open = new java.util.ArrayDeque<>();
        open.push(new int[] {root, 0});
        for (int visited = 0; !open.isEmpty() && visited <= trees.nodes(); visited++) { // a tree visits each node once
            int[] at = open.pop();
            if (trees.isLeaf(at[0])) {
                deepest = Math.max(deepest, at[1]);
            } else {
                open.push(new int[] {trees.whenTrue(at[0]), at[1] + 1});
                open.push(new int[] {trees.whenFalse(at[0]), at[1] + 1});
            }
        }
        return Math.max(1, deepest);
    }

    /** {@link TreeShapley#modelRows}: a model row per tree level per background row. */
    @Override
    public long modelRows(int backgroundRows) {
        return shapley.modelRows(backgroundRows);
    }

    @Override
    public String work(int backgroundRows) {
        return shapley.work(backgroundRows);
    }

    @Override
    public double[] margins(float[] features) {
        return shapley.margins(widened(features));
    }

    @Override
    public void contributions(float[] x, float[][] background, int target, int[] groupOf, double[] phi) {
        Widened rows = widened;
        if (rows == null || rows.source() != background) {
            double[][] wide = new double[background.length][];
            for (int r = 0; r < wide.length; r++) {
                wide[r] = widened(background[r]);
            }
            rows = new Widened(background, wide);
            widened = rows;
        }
        shapley.contributions(widened(x), rows.rows(), target, groupOf, phi);
    }

    /** The background rows an explainer passes every time ({@code source}, the same array), widened once. */
    private record Widened(float[][] source, double[][] rows) {}

    /** A float row as the doubles the ensemble compares (every float is one exactly). */
    private static double[] widened(float[] features) {
        double[] x = new double[features.length];
        for (int j = 0; j < x.length; j++) {
            x[j] = features[j];
        }
        return x;
    }

    /** The ensemble as TreeSHAP walks it: a leaf adds its weights to every margin they score. */
    private record Ensemble(TreeEnsemble ensemble) implements WalkedTrees {

        @Override
        public int trees() {
            return ensemble.trees();
        }

        @Override
        public int root(int t) {
            return ensemble.root(t);
        }

        @Override
        public int margin(int t) {
            return EVERY_MARGIN;
        }

        @Override
        public boolean isLeaf(int node) {
            return ensemble.isLeaf(node);
        }

        @Override
        public int feature(int node) {
            return ensemble.feature(node);
        }

        @Override
        public int child(int node, double value) {
            return ensemble.goesTrue(node, value) ? ensemble.whenTrue(node) : ensemble.whenFalse(node);
        }

        @Override
        public double leafValue(int node, int margin) {
            return ensemble.leafMargin(node, margin);
        }
    }
}
