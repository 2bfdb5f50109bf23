package org.tabserve.model.onnx.shapley;

import java.util.List;
import org.tabserve.model.onnx.graph.ml.PostTransform;

/**
 * An estimator whose raw scores Java computes from its definition ({@code model.onnx.graph.ml}), and whose Shapley
 * values over groups of its input elements it computes exactly against background rows, without calling the model: a
 * tree ensemble ({@code TreeShap}) or a linear model ({@code LinearScores}), as {@code EstimatorReader} reads it from
 * an estimator node.
 */
public abstract class AdditiveEstimator {

    private final String method;
    private final List<String> labels;
    private final PostTransform transform;

    /**
     * @param method    "tree" or "linear", the explanation's method
     * @param labels    the classes in score order, as text; empty for a regressor
     * @param transform what the operator applies to the raw scores ({@link #margins}) to make its own
     */
    AdditiveEstimator(String method, List<String> labels, PostTransform transform) {
        this.method = method;
        this.labels = List.copyOf(labels);
        this.transform = transform;
    }

    /** @return "tree" or "linear", the explanation's method */
    public final String method() {
        return method;
    }

    /** @return the classes in score order, as text; empty for a regressor */
    public final List<String> labels() {
        return labels;
    }

    /** @return what the operator applies to the raw scores */
    public final PostTransform transform() {
        return transform;
    }

    /**
     * The work of one explained row's {@link #contributions} against {@code backgroundRows} rows, in model rows: none
     * for a closed form (a linear model's weights), a tree ensemble's walks otherwise.
     */
    public long modelRows(int backgroundRows) {
        return 0;
    }

    /** @return {@link #modelRows}' work in words, for a refusal */
    public String work(int backgroundRows) {
        return "its " + method + " form, one model row";
    }

    /** @return the raw scores of one input row, before the post_transform: one per class, or the value */
    public abstract double[] margins(float[] features);

    /**
     * Adds to {@code phi} each group's Shapley value of raw score {@code target}, averaged over {@code background}:
     * the players are the groups ({@code groupOf[j]} is input element j's), the value of a coalition S the mean over
     * the background rows b of the score of the row that takes S's elements from {@code x} and the others from b.
     */
    public abstract void contributions(float[] x, float[][] background, int target, int[] groupOf, double[] phi);

    /** @return the scores ONNX Runtime's operator outputs for these raw scores */
    public final double[] transformed(double[] margins) {
        double[] out = margins.clone();
        transform.apply(out, 0, out.length);
        return out;
    }
}
