package org.tabserve.model.onnx.shapley;

import org.tabserve.model.onnx.graph.NodeAttributes;
import org.tabserve.model.onnx.graph.OnnxFormatException;
import org.tabserve.model.onnx.graph.OnnxNode;
import org.tabserve.model.onnx.graph.ml.LinearClassifier;
import org.tabserve.model.onnx.graph.ml.LinearRegressor;
import org.tabserve.model.onnx.graph.ml.TreeEnsembleReader;
import org.tabserve.model.onnx.graph.ml.UnreadOperator;

/** Reads an estimator node's definition into the {@link AdditiveEstimator} that scores and explains it. */
public final class EstimatorReader {

    private EstimatorReader() {}

    /**
     * The estimator of {@code node}, one of {@link EstimatorInput#ESTIMATORS}, read from its definition: a tree
     * ensemble ({@link TreeShap}) or a linear model ({@link LinearScores}).
     *
     * @param width the elements of its input row
     * @throws IllegalArgumentException saying why its answers are not explained from its attributes
     */
    public static AdditiveEstimator read(OnnxNode node, int width) throws OnnxFormatException {
        NodeAttributes a = new NodeAttributes(node);
        try {
            return switch (node.opType()) {
                case "TreeEnsembleClassifier", "TreeEnsembleRegressor" ->
                    TreeShap.of(TreeEnsembleReader.read(a), width);
                case "LinearClassifier" -> LinearScores.of(LinearClassifier.read(a), width);
                default -> LinearScores.of(LinearRegressor.read(a), width);
            };
        } catch (UnreadOperator e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
