package org.tabserve.model.onnx;

import java.util.List;

/**
 * An estimator whose raw scores Java computes from its attributes, and whose Shapley values over groups of its input
 * elements it computes exactly against background rows, without calling the model: a tree ensemble
 * ({@link TreeEnsemble}) or a linear model ({@link LinearScores}).
 */
abstract class AdditiveEstimator {

    private final String method;
    private final List<String> labels;
    private final String postTransform;

    /**
     * @param method        "tree" or "linear", the explanation's method
     * @param labels        the classes in score order, as text; empty for a regressor
     * @param postTransform the operator's post_transform: "NONE", "LOGISTIC", "SOFTMAX", ...
     */
    AdditiveEstimator(String method, List<String> labels, String postTransform) {
        this.method = method;
        this.labels = List.copyOf(labels);
        this.postTransform = postTransform;
    }

    /** @return "tree" or "linear", the explanation's method */
    final String method() {
        return method;
    }

    /** @return the classes in score order, as text; empty for a regressor */
    final List<String> labels() {
        return labels;
    }

    /** @return the operator's post_transform */
    final String postTransform() {
        return postTransform;
    }

    /**
     * The work of one explained row's {@link #contributions} against {@code backgroundRows} rows, in model rows: none
     * for a closed form (a linear model's weights), a tree ensemble's walks otherwise.
     */
    long modelRows(int backgroundRows) {
        return 0;
    }

    /** @return {@link #modelRows}' work in words, for a refusal */
    String work(int backgroundRows) {
        return "its " + method + " form, one model row";
    }

    /** @return the raw scores of one input row, before the post_transform: one per class, or the value */
    abstract double[] margins(float[] features);

    /**
     * Adds to {@code phi} each group's Shapley value of raw score {@code target}, averaged over {@code background}:
     * the players are the groups ({@code groupOf[j]} is input element j's), the value of a coalition S the mean over
     * the background rows b of the score of the row that takes S's elements from {@code x} and the others from b.
     */
    abstract void contributions(float[] x, float[][] background, int target, int[] groupOf, double[] phi);

    /** @return the scores ONNX Runtime's operator outputs for these raw scores, or null for a transform not known */
    final double[] transformed(double[] margins) {
        double[] out = margins.clone();
        switch (postTransform()) {
            case "NONE" -> {
                return out;
            }
            case "LOGISTIC" -> {
                for (int c = 0; c < out.length; c++) {
                    out[c] = 1 / (1 + Math.exp(-out[c]));
                }
                return out;
            }
            case "SOFTMAX" -> {
                double max = Double.NEGATIVE_INFINITY;
                for (double m : out) {
                    max = Math.max(max, m);
                }
                double sum = 0;
                for (int c = 0; c < out.length; c++) {
                    out[c] = Math.exp(out[c] - max);
                    sum += out[c];
                }
                for (int c = 0; c < out.length; c++) {
                    out[c] /= sum;
                }
                return out;
            }
            default -> {
                return null;
            }
        }
    }
}
