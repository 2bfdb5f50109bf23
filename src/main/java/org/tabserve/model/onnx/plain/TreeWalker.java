package org.tabserve.model.onnx.plain;

import java.util.Arrays;
import org.tabserve.model.onnx.graph.ml.TreeEnsemble;

/**
 * A {@link TreeEnsemble} laid out to walk fast, answering as its {@link TreeEnsemble#evaluate} does, read once from
 * it ({@link TreeLayout}): rows of floats walk one-output trees by their conditions ({@link TreeConditions}: each
 * row's sums still in tree order, in float) and other laid-out trees branch by branch, and a row the layout does not
 * answer for (a NaN where a branch's missing track differs from its comparison's, or any row of an ensemble it does
 * not lay out) walks the ensemble itself, as does every row of doubles. Sums, base values and post-transform end in {@link TreeEnsemble#finish}. Thread-safe:
 * it keeps nothing of a call.
 */
final class TreeWalker {

    /** Rows whose keys are taken together where trees are walked leaf by leaf. */
    static final int BLOCK = 64;

    private final TreeEnsemble trees;
    private final TreeLayout layout;
    private final int outputs;
    /** Null where the trees are not walked by their conditions. */
    private final TreeConditions conditions;

    TreeWalker(TreeEnsemble trees) {
        this.trees = trees;
        this.layout = TreeLayout.of(trees);
        this.outputs = trees.outputs();
        this.conditions = TreeConditions.of(layout, trees.width());
    }

    /**
     * Scores {@code rows} rows of floats ({@code width} each, the first {@link TreeEnsemble#width} read), compared
     * and summed in float as ONNX Runtime does for a float or int64 input.
     *
     * @param scores {@link TreeEnsemble#outputs} a row (written)
     * @param labels each row's label index (written)
     */
    void scoreFloats(float[] x, int rows, int width, float[] scores, int[] labels) {
        Scratch scratch = new Scratch(outputs, width);
        if (!layout.laidOut()) {
            for (int r = 0; r < rows; r++) {
                labels[r] = slowRow(x, r * width, scratch, scores, r * outputs);
            }
            return;
        }
        if (conditions != null) {
            byConditions(x, rows, width, scratch, scores, labels);
        } else {
            int w = trees.width();
            int[] k = new int[Math.min(rows, BLOCK) * w];
            for (int from = 0; from < rows; from += BLOCK) {
                int to = Math.min(rows, from + BLOCK);
                for (int r = from, i = 0; r < to; r++) {
                    for (int j = r * width, end = j + w; j < end; j++) {
                        k[i++] = TreeLayout.key(x[j]);
                    }
                }
                for (int r = from; r < to; r++) {
                    labels[r] = leafByLeafRow(k, (r - from) * w, scratch, scores, r * outputs);
                }
            }
        }
        if (!layout.nanAsCompared()) {
            for (int r = 0; r < rows; r++) {
                if (hasNaN(x, r * width)) {
                    labels[r] = slowRow(x, r * width, scratch, scores, r * outputs);
                }
            }
        }
    }

    /**
     * One-output trees by {@link TreeConditions}: eight rows at a time down each tree in step, then a row at a time
     * (its trees eight in step).
     */
    private void byConditions(float[] x, int rows, int width, Scratch scratch, float[] scores, int[] labels) {
        int in = TreeConditions.IN_STEP;
        byte[] condition = new byte[(rows < in ? 1 : in) * conditions.conditions()];
        int r = 0;
        for (; r + in <= rows; r += in) {
            conditions.sumEightRows(x, r * width, width, condition, scratch.sums, outputs);
            for (int i = 0; i < in; i++) {
                labels[r + i] = finishSums(scratch, i * outputs, scores, (r + i) * outputs);
            }
        }
        int[] leaf = r < rows ? new int[conditions.positions()] : null;
        for (; r < rows; r++) {
            conditions.sumRow(x, r * width, condition, leaf, scratch.sums, outputs);
            labels[r] = finishSums(scratch, 0, scores, r * outputs);
        }
    }

    /** Scores rows of doubles, compared and summed in double as ONNX Runtime does, through the ensemble itself. */
    void scoreDoubles(double[] x, int rows, int width, float[] scores, int[] labels) {
        Scratch scratch = new Scratch(outputs, 0);
        for (int r = 0; r < rows; r++) {
            labels[r] = ensembleRow(x, r * width, false, scratch, scores, r * outputs);
        }
    }

    /** @return the offset of the leaf the row at {@code x[at]} reaches in {@code steps} steps from {@code root} */
    private static int leaf(int[] nodes, int root, int steps, int[] k, int at) {
        int node = root;
        for (int d = 0; d < steps; d++) {
            node = nodes[node + 2 + (int) (((long) nodes[node + 1] - k[at + nodes[node]]) >>> 63)];
        }
        return node;
    }

    /**
     * A row walked tree after tree, each reached leaf added as the ensemble adds it: trees whose leaves weight several
     * outputs, or too many nodes for {@link TreeConditions}.
     */
    private int leafByLeafRow(int[] k, int at, Scratch scratch, float[] scores, int scoresAt) {
        int[] nodes = layout.nodes();
        int[] roots = layout.roots();
        int[] depth = layout.depth();
        double[] s = scratch.wide;
        boolean[] has = scratch.has;
        Arrays.fill(s, 0);
        Arrays.fill(has, false);
        for (int t = 0; t < roots.length; t++) {
            trees.addLeaf(nodes[leaf(nodes, roots[t], depth[t], k, at) + 1], s, has, true);
        }
        return trees.finish(s, has, true, scores, scoresAt);
    }

    private int finishSums(Scratch scratch, int sumsAt, float[] scores, int scoresAt) {
        for (int k = 0; k < outputs; k++) {
            scratch.wide[k] = scratch.sums[sumsAt + k];
            scratch.has[k] = layout.weighted(k);
        }
        return trees.finish(scratch.wide, scratch.has, true, scores, scoresAt);
    }

    private boolean hasNaN(float[] x, int at) {
        for (int j = at, end = at + trees.width(); j < end; j++) {
            if (x[j] != x[j]) {
                return true;
            }
        }
        return false;
    }

    /** A row of floats through the ensemble itself: each value widened exactly, so each comparison is the same. */
    private int slowRow(float[] x, int at, Scratch scratch, float[] scores, int scoresAt) {
        for (int j = 0; j < scratch.row.length; j++) {
            scratch.row[j] = x[at + j];
        }
        return ensembleRow(scratch.row, 0, true, scratch, scores, scoresAt);
    }

    private int ensembleRow(double[] x, int at, boolean inFloat, Scratch scratch, float[] scores, int scoresAt) {
        return trees.evaluate(x, at, inFloat, scores, scoresAt, scratch.wide, scratch.has);
    }

    /** What one call writes as it goes, so that no row allocates. */
    private static final class Scratch {
        final float[] sums;
        final double[] wide;
        final boolean[] has;
        final double[] row;

        Scratch(int outputs, int width) {
            this.sums = new float[TreeConditions.IN_STEP * outputs];
            this.wide = new double[outputs];
            this.has = new boolean[outputs];
            this.row = new double[width];
        }
    }
}
