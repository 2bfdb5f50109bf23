package org.tabserve.model.onnx.plain;

import org.tabserve.model.onnx.graph.ml.TreeEnsemble;

/**
 * ai.onnx.ml TreeEnsembleClassifier or TreeEnsembleRegressor ({@link TreeEnsemble}: random forests and boosted trees
 * as skl2onnx exports them): each row walks every tree ({@link TreeWalker}, floats as they come, no copy), and the
 * trees' sums become the operator's scores (and a classifier's label) as ONNX Runtime makes them, in float (in double
 * for a double input, as ONNX Runtime's).
 */
final class TreeEnsembleOp implements PlainOp {

    /**
     * The most nodes of an ensemble run in plain Java. Its reading takes up to about 125 bytes a node while it lasts
     * and its walking arrays 18 a node while the model serves (and the walker's layouts about 32 a node more,
     * {@link TreeLayout} and {@link TreeConditions}: about 1.1 MB at the most), beside ONNX Runtime's own copy, and takes no share of
     * the explainers' room ({@code LoadRoom}): 32,768 nodes take at most about 4 MB to read. Larger ensembles stay on
     * ONNX Runtime, whose call costs less beside their walks.
     */
    static final int MAX_NODES = 1 << 15;

    private final TreeEnsemble trees;
    private final PlainLabels labels;
    private final TreeWalker walker;

    TreeEnsembleOp(TreeEnsemble trees) {
        this.trees = trees;
        this.walker = new TreeWalker(trees);
        this.labels = trees.classifier() ? new PlainLabels(trees.labels()) : null;
    }

    @Override
    public PlainTensor[] apply(PlainTensor[] inputs) {
        PlainTensor x = inputs[0];
        int width = x.width();
        if (x.rank() != 2 || width < trees.width()) {
            throw new IllegalArgumentException(
                    "the tree ensemble reads rows of " + trees.width() + " features, got " + x);
        }
        int rows = x.rows();
        float[] scores = new float[rows * trees.outputs()];
        int[] label = new int[rows];
        switch (x.type()) {
            case DOUBLE -> walker.scoreDoubles(x.doubles(), rows, width, scores, label);
            case FLOAT -> walker.scoreFloats(x.floats(), rows, width, scores, label);
            default -> walker.scoreFloats(x.asFloats(), rows, width, scores, label);
        }
        PlainTensor out = PlainTensor.floats(rows, trees.outputs(), scores);
        return labels == null ? new PlainTensor[] {out} : new PlainTensor[] {labels.of(label), out};
    }
}
