package org.tabserve.model.explain;

/**
 * A tree ensemble's margins ({@link WalkedTrees}) explained by interventional TreeSHAP (Lundberg et al. 2020, "From
 * local explanations to global understanding with explainable AI for trees", Algorithm 3) over groups of row
 * elements: for each background row b, each tree is walked once along the paths the explained row x and b take,
 * following both where they part; a leaf reached with the groups in X taken from x and those in B from b adds its value
 * v to the game only for coalitions holding all of X and none of B, whose Shapley values are v (|X|-1)! |B|! /
 * (|X|+|B|)! for each group of X and minus v |X|! (|B|-1)! / (|X|+|B|)! for each of B. A path that would need one group
 * from both rows is not followed. The one walk of every tree model served: an ONNX TreeEnsemble's and a forest read
 * from its library's own file.
 *
 * <p>Its margins are a base plus each tree's leaf, summed in double in tree order. One margin may stand for two classes
 * ({@code complement}): the second class's margin is it, the first's the complement minus it, whose Shapley values are
 * the second's negated.
 *
 * <p>Thread-safety: immutable; each call walks with its own state.
 */
public final class TreeShapley {

    private final WalkedTrees trees;
    private final double[] base;
    /** What the first of two classes' margin is the one margin subtracted from; NaN when margins are the classes'. */
    private final double complement;
    /**
     * The levels one explanation walks: the depths (longest paths from the root to a leaf) of the trees adding to one
     * margin, summed, for the margin whose trees are deepest (every tree, where a tree adds to every margin).
     */
    private final long levels;
    /** The trees that margin has. */
    private final int walked;

    /**
     * @param base       each margin's base, before any tree adds to it
     * @param complement for one margin standing for two classes, the first class's margin is this minus it; NaN when
     *                   each margin is its own class's or the value
     * @param depths     each tree's depth, its longest path from the root to a leaf in branches (at least 1), for the
     *                   work an explanation counts ({@link #modelRows})
     */
    public TreeShapley(WalkedTrees trees, double[] base, double complement, int[] depths) {
        if (!Double.isNaN(complement) && base.length != 1) {
            throw new IllegalArgumentException("one margin stands for two classes, not " + base.length);
        }
        if (depths.length != trees.trees()) {
            throw new IllegalArgumentException(depths.length + " depths for " + trees.trees() + " trees");
        }
        this.trees = trees;
        this.base = base.clone();
        this.complement = complement;
        long deepest = 0;
        int count = 0;
        for (int m = 0; m < base.length; m++) {
            long sum = 0;
            int n = 0;
            for (int t = 0; t < depths.length; t++) {
                int adds = trees.margin(t);
                if (adds == m || adds == WalkedTrees.EVERY_MARGIN) {
                    sum += depths[t];
                    n++;
                }
            }
            if (sum > deepest) {
                deepest = sum;
                count = n;
            }
        }
        this.levels = deepest;
        this.walked = count;
    }

    /**
     * TreeSHAP walks every tree of the margin explained once per background row, a walk as long as the tree is deep
     * (longer where the row and the background row part): a model row per tree level per background row, the trees'
     * levels summed (the deepest margin's, where each tree adds to one).
     */
    public long modelRows(int backgroundRows) {
        return levels * backgroundRows;
    }

    /** @return {@link #modelRows}' work in words, for a refusal */
    public String work(int backgroundRows) {
        String walks = walked == trees.trees()
                ? "its " + walked + " trees"
                : walked + " of its " + trees.trees() + " trees, one margin's,";
        return "walking " + walks + " (" + levels + " levels in all) against " + backgroundRows + " background rows, "
                + modelRows(backgroundRows) + " model rows' work";
    }

    /** @return the margins of row {@code x}: one per class (two for a margin standing for two), or the value */
    public double[] margins(double[] x) {
        double[] scores = base.clone();
        for (int t = 0; t < trees.trees(); t++) {
            int leaf = leaf(trees.root(t), x);
            int m = trees.margin(t);
            if (m == WalkedTrees.EVERY_MARGIN) {
                for (int k = 0; k < scores.length; k++) {
                    scores[k] += trees.leafValue(leaf, k);
                }
            } else {
                scores[m] += trees.leafValue(leaf, m);
            }
        }
        return Double.isNaN(complement) ? scores : new double[] {complement - scores[0], scores[0]};
    }

    private int leaf(int root, double[] x) {
        int node = root;
        while (!trees.isLeaf(node)) {
            node = trees.child(node, x[trees.feature(node)]);
        }
        return node;
    }

    /**
     * Adds to {@code phi} each group's Shapley value of margin {@code target} (an index into {@link #margins}' answer),
     * averaged over {@code background}: the players are the groups ({@code groupOf[j]} is row element j's), the value
     * of a coalition S the mean over the background rows b of the margin of the row that takes S's elements from
     * {@code x} and the others from b.
     */
    public void contributions(double[] x, double[][] background, int target, int[] groupOf, double[] phi) {
        int groups = phi.length;
        boolean one = !Double.isNaN(complement);
        int margin = one ? 0 : target;
        Walk walk = new Walk(x, margin, groupOf, groups, phi, (one && target == 0 ? -1.0 : 1.0) / background.length);
        for (double[] b : background) {
            walk.b = b;
            for (int t = 0; t < trees.trees(); t++) {
                int m = trees.margin(t);
                if (m == margin || m == WalkedTrees.EVERY_MARGIN) {
                    walk.visit(trees.root(t), 0, 0, 0);
                }
            }
        }
    }

    /** One explained row's walks: the state of each group on the current path, and the Shapley weights. */
    private final class Walk {
        private static final byte FROM_X = 1;
        private static final byte FROM_B = 2;

        private final double[] x;
        private final int target;
        private final int[] groupOf;
        private final double[] phi;
        /** 1 / background rows, negative for the class a margin standing for two counts against. */
        private final double share;

        private final byte[] state;
        private final int[] path;
        /** weight[a][c] = a! c! / (a + c + 1)!. */
        private final double[][] weight;

        private double[] b;

        Walk(double[] x, int target, int[] groupOf, int groups, double[] phi, double share) {
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
                double v = nx + nb == 0 ? 0 : trees.leafValue(node, target) * share;
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
            int xChild = trees.child(node, x[j]);
            int bChild = trees.child(node, b[j]);
            int g = groupOf[j];
            if (xChild == bChild || state[g] == FROM_X) {
                visit(xChild, depth, nx, nb);
                return;
            }
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
