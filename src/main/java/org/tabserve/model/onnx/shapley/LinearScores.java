package org.tabserve.model.onnx.shapley;

import java.util.List;
import org.tabserve.model.explain.Explanation;
import org.tabserve.model.onnx.graph.ml.BinaryCase;
import org.tabserve.model.onnx.graph.ml.Coefficients;
import org.tabserve.model.onnx.graph.ml.LinearClassifier;
import org.tabserve.model.onnx.graph.ml.LinearRegressor;
import org.tabserve.model.onnx.graph.ml.PostTransform;

/**
 * A LinearClassifier's or LinearRegressor's raw scores ({@link Coefficients}, read once for every reader). A raw
 * score is linear in the inputs, so the Shapley value of a group of elements against background rows is in closed
 * form: the sum over the group's elements j of w<sub>j</sub> (x<sub>j</sub> &minus; mean<sub>b</sub> b<sub>j</sub>),
 * exact.
 */
final class LinearScores extends AdditiveEstimator {

    private final Coefficients weights;
    /** One row of weights for two classes: class 1's score, and class 0's its complement minus it; else null. */
    private final BinaryCase binary;

    private LinearScores(List<String> labels, PostTransform transform, Coefficients weights, BinaryCase binary) {
        super(Explanation.LINEAR, labels, transform);
        this.weights = weights;
        this.binary = binary;
    }

    /** @throws IllegalArgumentException when its rows do not weigh {@code width} inputs, or make no score per label */
    static LinearScores of(LinearClassifier classifier, int width) {
        fits(classifier.coefficients(), width);
        if (classifier.outputs() != classifier.labels().size()) {
            throw new IllegalArgumentException("its LinearClassifier's one score names no two classes");
        }
        return new LinearScores(
                classifier.labels().texts(), classifier.transform(), classifier.coefficients(), classifier.binary());
    }

    /** @throws IllegalArgumentException when its rows do not weigh {@code width} inputs, or it has several targets */
    static LinearScores of(LinearRegressor regressor, int width) {
        fits(regressor.coefficients(), width);
        if (regressor.coefficients().rows() != 1) {
            throw new IllegalArgumentException(
                    "its LinearRegressor has " + regressor.coefficients().rows() + " targets");
        }
        return new LinearScores(List.of(), regressor.transform(), regressor.coefficients(), null);
    }

    private static void fits(Coefficients weights, int width) {
        if (weights.features() != width) {
            throw new IllegalArgumentException(
                    "its rows of " + weights.features() + " coefficients do not weigh its " + width + " inputs");
        }
    }

    @Override
    public double[] margins(float[] features) {
        double[] scores = new double[weights.rows()];
        for (int r = 0; r < scores.length; r++) {
            double sum = weights.intercept(r);
            for (int j = 0; j < features.length; j++) {
                sum += (double) weights.coefficient(r, j) * features[j];
            }
            scores[r] = sum;
        }
        return binary == null ? scores : new double[] {binary.complement() - scores[0], scores[0]};
    }

    @Override
    public void contributions(float[] x, float[][] background, int target, int[] groupOf, double[] phi) {
        int row = binary != null ? 0 : target;
        double sign = binary != null && target == 0 ? -1 : 1;
        for (int j = 0; j < x.length; j++) {
            double mean = 0;
            for (float[] b : background) {
                mean += b[j];
            }
            mean /= background.length;
            phi[groupOf[j]] += sign * weights.coefficient(row, j) * (x[j] - mean);
        }
    }
}
