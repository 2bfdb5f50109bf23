package org.tabserve.model.onnx;

import java.util.Arrays;
import org.tabserve.model.Model;

/**
 * The weights of a linear classifier chosen by a test, and the plain-Java reference answer for them, so that what
 * ONNX Runtime returns through {@link Model} can be checked against arithmetic done independently here.
 *
 * <p>Weights, biases and inputs are rounded to float first, as the ONNX graph stores and receives them; the rest is
 * computed in double.
 *
 * @param weights one row per output column (class), one entry per feature
 * @param bias    one entry per output column
 */
record LinearModel(double[][] weights, double[] bias) {

    /** Four features, three classes; every test row below has a clear winner. */
    static final LinearModel THREE_CLASSES = new LinearModel(
            new double[][] {
                {1.0, -0.5, 0.25, 0.0},
                {-0.75, 1.0, 0.5, -0.25},
                {0.5, 0.25, -1.0, 0.75}
            },
            new double[] {0.125, -0.25, 0.0625});

    /** Four features, one output column: the score of the second class (Keras' binary head). */
    static final LinearModel ONE_COLUMN =
            new LinearModel(new double[][] {{0.5, -1.0, 0.25, 0.75}}, new double[] {-0.125});

    /** Rows for the four-feature models, picked so that each of the three classes wins at least once. */
    static final double[][] ROWS = {
        {0, 0, 0, 0},
        {1, 2, 3, 4},
        {3.5, -1, 0.5, 2},
        {-2, 0.5, -1.5, 3},
        {0.3, -0.7, 1.9, -2.2},
    };

    LinearModel {
        if (weights.length != bias.length || weights.length == 0) {
            throw new IllegalArgumentException("need one bias per weight row");
        }
        for (double[] row : weights) {
            if (row.length != weights[0].length) {
                throw new IllegalArgumentException("weight rows differ in length");
            }
        }
    }

    int features() {
        return weights[0].length;
    }

    int columns() {
        return weights.length;
    }

    /** @return the weights as ONNX MatMul wants them: [features, columns], row-major */
    float[] featureMajorWeights() {
        float[] out = new float[features() * columns()];
        for (int f = 0; f < features(); f++) {
            for (int c = 0; c < columns(); c++) {
                out[f * columns() + c] = (float) weights[c][f];
            }
        }
        return out;
    }

    /** @return the weights as ai.onnx.ml LinearClassifier wants them: [columns, features], row-major */
    float[] classMajorWeights() {
        float[] out = new float[features() * columns()];
        for (int c = 0; c < columns(); c++) {
            for (int f = 0; f < features(); f++) {
                out[c * features() + f] = (float) weights[c][f];
            }
        }
        return out;
    }

    float[] floatBias() {
        float[] out = new float[bias.length];
        for (int c = 0; c < bias.length; c++) {
            out[c] = (float) bias[c];
        }
        return out;
    }

    /** @return W·x + b, one score per column */
    double[] scores(double[] row) {
        double[] scores = new double[columns()];
        for (int c = 0; c < columns(); c++) {
            double sum = (float) bias[c];
            for (int f = 0; f < features(); f++) {
                sum += (double) (float) weights[c][f] * (double) (float) row[f];
            }
            scores[c] = sum;
        }
        return scores;
    }

    /** @return softmax(W·x + b) */
    double[] softmax(double[] row) {
        double[] scores = scores(row);
        double max = Arrays.stream(scores).max().orElseThrow();
        double[] exp = Arrays.stream(scores).map(s -> Math.exp(s - max)).toArray();
        double total = Arrays.stream(exp).sum();
        return Arrays.stream(exp).map(e -> e / total).toArray();
    }

    /** @return for a one-column model, the two class probabilities [1 - sigmoid(s), sigmoid(s)] */
    double[] sigmoidPair(double[] row) {
        if (columns() != 1) {
            throw new IllegalStateException("sigmoid is for one-column models");
        }
        double p = 1 / (1 + Math.exp(-scores(row)[0]));
        return new double[] {1 - p, p};
    }
}
