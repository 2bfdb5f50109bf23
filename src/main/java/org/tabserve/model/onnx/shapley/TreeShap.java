package org.tabserve.model.onnx.shapley;

import java.util.List;
import org.tabserve.model.explain.Explanation;
import org.tabserve.model.onnx.graph.ml.BinaryCase;
import org.tabserve.model.onnx.graph.ml.TreeEnsemble;

/**
 * A TreeEnsembleClassifier's or TreeEnsembleRegressor's margins ({@link TreeEnsemble}, read once for every reader)
 * explained by interventional TreeSHAP (Lundberg et al. 2020, "From local explanations to global understanding
 * with explainable AI for trees", Algorithm 3) over groups of input elements: for each background row b, each tree is
 * walked once along the paths the explained row x and b take, following both where they part; a leaf reached with
 * the groups in X taken from x and those in B from b adds its value v to the game only for coalitions holding all of
 * X and none of B, whose Shapley values are v (|X|-1)! |B|! / (|X|+|B|)! for each group of X and minus
 * v |X|! (|B|-1)! / (|X|+|B|)! for each of B. A path that would need one group from both rows is not followed.
 */
final class TreeShap extends AdditiveEstimator {

    private final TreeEnsemble trees;
    /** The margins a row has: one per class, or one (a regressor's value, or a binary case's score). */
    private final int margins;

    private final double[] base;
    /** For one score standing for two classes: class 0's margin is its complement minus the score; else null. */
    private final BinaryCase binary;
    /** The trees' levels in all: each tree's depth, its longest path from the root to a leaf, summed. */
    private final long levels;

    private TreeShap(TreeEnsemble trees) {
        super(Explanation.TREE, trees.classifier() ? trees.classLabels().texts() : List.of(), trees.marginTransform());
        this.trees = trees;
        this.margins = trees.margins();
        this.binary = trees.binary();
        this.base = new double[margins];
        for (int k = 0; k < margins; k++) {
            base[k] = trees.baseMargin(k);
        }
        long sum = 0;
        for (int t = 0; t < trees.trees(); t++) {
            sum += depth(trees.root(t));
        }
        this.levels = sum;
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

    /**
     * TreeSHAP walks every tree once per background row, a walk as long as the tree is deep (longer where the row
     * and the background row part): a model row per tree level per background row, the trees' levels summed.
     */
    @Override
    public long modelRows(int backgroundRows) {
        return levels * backgroundRows;
    }

    @Override
    public String work(int backgroundRows) {
        return "walking its " + trees.trees() + " trees (" + levels + " levels in all) against " + backgroundRows
                + " background rows, " + modelRows(backgroundRows) + " model rows' work";
    }

    @Override
    public double[] margins(float[] features) {
        double[] x = new double[features.length];
        for (int j = 0; j < x.length; j++) {
            x[j] = features[j];
        }
        double[] scores = base.clone();
        for (int t = 0; t < trees.trees(); t++) {
            int leaf = trees.leaf(trees.root(t), x, 0);
            for (int k = 0; k < margins; k++) {
                scores[k] += trees.leafMargin(leaf, k);
            }
        }
        return binary == null ? scores : new double[] {binary.complement() - scores[0], scores[0]};
    }

    @Override
    public void contributions(float[] x, float[][] background, int target, int[] groupOf, double[] phi) {
        int groups = phi.length;
        boolean one = binary != null;
        Walk walk = new Walk(
                x, one ? 0 : target, groupOf, groups, phi, (one && target == 0 ? -1.0 : 1.0) / background.length);
        for (float[] b : background) {
            walk.b = b;
            for (int t = 0; t < trees.trees(); t++) {
                walk.visit(trees.root(t), 0, 0, 0);
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
            if (trees.isLeaf(node)) {
                double v = nx + nb == 0 ? 0 : trees.leafMargin(node, target) * share;
                if (v == 0) {
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
            int j = trees.feature(node);
            boolean xWay = trees.goesTrue(node, x[j]);
            boolean bWay = trees.goesTrue(node, b[j]);
            int xChild = xWay ? trees.whenTrue(node) : trees.whenFalse(node);
            int g = groupOf[j];
            if (xWay == bWay || state[g] == FROM_X) {
                visit(xChild, depth, nx, nb);
                return;
            }
            int bChild = bWay ? trees.whenTrue(node) : trees.whenFalse(node);
            if (state[g] == FROM_B) {
                visit(bChild, depth, nx, nb);
            } else {
                path[depth] = g;
                state[g] = FROM_X;
                visit(xChild, depth + 1, nx + 1, nb);
                state[g] = FROM_B;
                visit(bChild, depth + 1, nx, nb + 1);
                state[g] = 0;
            }
        }
    }
}
