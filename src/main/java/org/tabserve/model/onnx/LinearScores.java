package org.tabserve.model.onnx;

import org.tabserve.model.Explanation;
import org.tabserve.model.onnx.graph.NodeAttributes;
import org.tabserve.model.onnx.graph.OnnxFormatException;
import org.tabserve.model.onnx.graph.OnnxNode;

import java.util.List;

/**
 * A LinearClassifier or LinearRegressor (ai.onnx.ml) read from its attributes. A raw score is linear in the inputs,
 * so the Shapley value of a group of elements against background rows is in closed form: the sum over the group's
 * elements j of w<sub>j</sub> (x<sub>j</sub> &minus; mean<sub>b</sub> b<sub>j</sub>), exact.
 */
final class LinearScores extends AdditiveEstimator {

    /** weights[c][j]; a binary classifier with one row of weights scores class 1 with it and class 0 with its negative. */
    private final double[][] weights;
    private final double[] intercepts;
    private final boolean binaryFromOne;

    private LinearScores(List<String> labels, String postTransform, double[][] weights, double[] intercepts,
                        boolean binaryFromOne) {
        super(Explanation.LINEAR, labels, postTransform);
        this.weights = weights;
        this.intercepts = intercepts;
        this.binaryFromOne = binaryFromOne;
    }

    /** @return the model, or null when its attributes do not fit {@code width} inputs */
    static LinearScores of(OnnxNode node, int width) throws OnnxFormatException {
        NodeAttributes a = new NodeAttributes(node);
        boolean classifier = node.opType().equals("LinearClassifier");
        float[] coefficients = a.floats("coefficients");
        if (coefficients.length == 0 || coefficients.length % width != 0) {
            return null;
        }
        int rows = coefficients.length / width;
        List<String> labels = classifier ? a.classLabels() : List.of();
        if (classifier && (labels == null || !(rows == labels.size() || rows == 1 && labels.size() == 2))
                || !classifier && (rows != 1 || a.integer("targets", 1) != 1)) {
            return null;
        }
        float[] intercepts = a.floats("intercepts");
        if (intercepts.length != 0 && intercepts.length != rows) {
            return null;
        }
        double[][] weights = new double[rows][width];
        double[] bias = new double[rows];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < width; j++) {
                weights[r][j] = coefficients[r * width + j];
            }
            bias[r] = intercepts.length == 0 ? 0 : intercepts[r];
        }
        return new LinearScores(labels, a.text("post_transform", "NONE"), weights, bias,
                classifier && rows == 1);
    }

    @Override
    double[] margins(float[] features) {
        double[] scores = new double[weights.length];
        for (int r = 0; r < weights.length; r++) {
            double sum = intercepts[r];
            for (int j = 0; j < features.length; j++) {
                sum += weights[r][j] * features[j];
            }
            scores[r] = sum;
        }
        return binaryFromOne ? new double[]{-scores[0], scores[0]} : scores;
    }

    @Override
    void contributions(float[] x, float[][] background, int target, int[] groupOf, double[] phi) {
        double[] w = binaryFromOne ? weights[0] : weights[target];
        double sign = binaryFromOne && target == 0 ? -1 : 1;
        for (int j = 0; j < x.length; j++) {
            double mean = 0;
            for (float[] b : background) {
                mean += b[j];
            }
            mean /= background.length;
            phi[groupOf[j]] += sign * w[j] * (x[j] - mean);
        }
    }
}
