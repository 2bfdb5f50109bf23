package org.tabserve.model.onnx.plain;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.tabserve.model.onnx.graph.ml.MlModels;

/**
 * Random tree ensembles that take every path ONNX Runtime's tree code has: each of the six branch modes, thresholds
 * that rows hit exactly, missing values tracked to either side, trees that are one leaf, leaves weighting several
 * classes (one twice) or some classes only, and rows of such values, NaN among them.
 */
final class RandomTrees {

    /** The thresholds, which rows take exactly often enough for the equalities to count. */
    static final float[] CUTS = {-1f, -0.5f, 0f, 0.5f, 1f};

    private static final String[] MODES = {
        "BRANCH_LEQ", "BRANCH_LT", "BRANCH_GTE", "BRANCH_GT", "BRANCH_EQ", "BRANCH_NEQ"
    };

    /** What each leaf weights. */
    enum Leaves {
        /** One to all classes at random, sometimes one twice. */
        SOME,
        /** Every class. */
        EVERY,
        /** Class 0 alone. */
        FIRST,
        /** Class 1 alone. */
        SECOND,
        /** Class 0, and class 1 in some leaves. */
        FIRST_AND_SOMETIMES_SECOND,
        /** One class a tree, tree after tree in turn: multi-class boosted trees. */
        ONE_PER_TREE
    }

    private final SplittableRandom random;
    private final int features;
    private final int outputs;
    private final Leaves leaves;
    /** The largest weight; weights are in [-scale, scale], or [0, scale] when {@link #positive}. */
    private final float scale;

    private final boolean positive;

    private String[] modes = MODES;
    private float[] cuts = CUTS;

    RandomTrees(long seed, int features, int outputs, Leaves leaves, float scale, boolean positive) {
        this.random = new SplittableRandom(seed);
        this.features = features;
        this.outputs = outputs;
        this.leaves = leaves;
        this.scale = scale;
        this.positive = positive;
    }

    /** @return these random trees, their branches of {@code modes} alone */
    RandomTrees modes(String... modes) {
        this.modes = modes;
        return this;
    }

    /** @return these random trees, their thresholds (and the values rows take exactly) {@code cuts} */
    RandomTrees cuts(float... cuts) {
        this.cuts = cuts;
        return this;
    }

    /** @return {@code count} trees of up to 4 levels; the second is a single leaf */
    MlModels.Trees trees(int count) {
        MlModels.Trees trees = new MlModels.Trees();
        for (int t = 0; t < count; t++) {
            List<int[]> shape = new ArrayList<>(); // per node in preorder: {true child, false child} or null (leaf)
            grow(shape, t == 1 ? 0 : 4);
            for (int id = 0; id < shape.size(); id++) {
                int[] children = shape.get(id);
                if (children == null) {
                    leaf(trees, t, id);
                } else {
                    trees.branch(
                            t,
                            id,
                            modes[random.nextInt(modes.length)],
                            random.nextInt(features),
                            cuts[random.nextInt(cuts.length)],
                            children[0],
                            children[1],
                            random.nextBoolean());
                }
            }
        }
        return trees;
    }

    /** Adds a subtree in preorder; @return its root's id */
    private int grow(List<int[]> shape, int levels) {
        int id = shape.size();
        shape.add(null);
        if (levels > 0 && random.nextInt(10) < 8) {
            int whenTrue = grow(shape, levels - 1);
            int whenFalse = grow(shape, levels - 1);
            shape.set(id, new int[] {whenTrue, whenFalse});
        }
        return id;
    }

    private void leaf(MlModels.Trees trees, int tree, int node) {
        List<Float> pairs = new ArrayList<>();
        switch (leaves) {
            case EVERY -> {
                for (int c = 0; c < outputs; c++) {
                    add(pairs, c);
                }
            }
            case FIRST -> add(pairs, 0);
            case ONE_PER_TREE -> add(pairs, tree % outputs);
            case SECOND -> add(pairs, 1);
            case FIRST_AND_SOMETIMES_SECOND -> {
                add(pairs, 0);
                if (random.nextBoolean()) {
                    add(pairs, 1);
                }
            }
            case SOME -> {
                for (int c = 0; c < outputs; c++) {
                    if (random.nextInt(3) > 0) {
                        add(pairs, c);
                    }
                }
                if (pairs.isEmpty() || random.nextInt(4) == 0) {
                    add(pairs, random.nextInt(outputs));
                }
            }
        }
        float[] idAndWeight = new float[pairs.size()];
        for (int i = 0; i < idAndWeight.length; i++) {
            idAndWeight[i] = pairs.get(i);
        }
        trees.leaf(tree, node, idAndWeight);
    }

    private void add(List<Float> pairs, int id) {
        pairs.add((float) id);
        double w = positive ? random.nextDouble() : random.nextDouble() * 2 - 1;
        pairs.add((float) (w * scale));
    }

    /** @return {@code count} rows: each value a threshold (two in five), NaN (one in ten) or drawn in [-1.5, 1.5] */
    double[][] rows(int count) {
        double[][] rows = new double[count][features];
        for (double[] row : rows) {
            for (int j = 0; j < features; j++) {
                int draw = random.nextInt(10);
                row[j] = draw < 4
                        ? cuts[random.nextInt(cuts.length)]
                        : draw == 4 ? Double.NaN : (float) (random.nextDouble() * 3 - 1.5);
            }
        }
        return rows;
    }
}
