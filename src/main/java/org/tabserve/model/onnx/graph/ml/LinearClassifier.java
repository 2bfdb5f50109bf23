package org.tabserve.model.onnx.graph.ml;

import org.tabserve.model.onnx.graph.NodeAttributes;
import org.tabserve.model.onnx.graph.OnnxFormatException;

/**
 * ai.onnx.ml LinearClassifier as ONNX Runtime reads it ({@code linearclassifier.cc}): one row of coefficients per
 * intercept, a raw score {@code x·w + b} per row; with two or more rows the label is the first highest score's and
 * the post-transform applies to the row's scores; one row for two labels is the {@link BinaryCase}; one row for any
 * other labels is one score, named "1" or "0" (1 or 0) by its sign and only PROBIT applied.
 */
public final class LinearClassifier {

    private final Coefficients coefficients;
    private final PostTransform transform;
    private final OperatorLabels labels;
    private final BinaryCase binary;

    private LinearClassifier(
            Coefficients coefficients, PostTransform transform, OperatorLabels labels, BinaryCase binary) {
        this.coefficients = coefficients;
        this.transform = transform;
        this.labels = labels;
        this.binary = binary;
    }

    /**
     * @param a a LinearClassifier node's attributes
     * @throws UnreadOperator when ONNX Runtime's answer is not defined by them (no intercepts, coefficients that are
     *                        not whole rows, fewer labels than rows, PROBIT of one score for two classes) or a
     *                        post_transform is not one
     */
    public static LinearClassifier read(NodeAttributes a) throws UnreadOperator, OnnxFormatException {
        float[] coefficients = a.floats("coefficients");
        float[] intercepts = a.floats("intercepts");
        PostTransform post = PostTransform.of(a);
        OperatorLabels labels = OperatorLabels.read(a, OperatorLabels.INTS);
        int rows = intercepts.length; // ONNX Runtime's class count
        if (rows == 0 || coefficients.length == 0 || coefficients.length % rows != 0) {
            throw UnreadOperator.at(
                    a,
                    coefficients.length + " coefficients for " + rows + " intercepts (a row of"
                            + " coefficients for each intercept is read)");
        }
        if (rows > 1 && labels.size() != rows) {
            throw UnreadOperator.at(a, labels.size() + " labels for " + rows + " rows of coefficients");
        }
        Coefficients weights = new Coefficients(rows, coefficients, intercepts);
        if (rows > 1) {
            return new LinearClassifier(weights, post, labels, null);
        }
        if (labels.size() == 2) {
            BinaryCase binary = BinaryCase.linear(post);
            if (binary == null) {
                throw UnreadOperator.at(
                        a,
                        "PROBIT of one row of coefficients for two classes (ONNX Runtime writes"
                                + " one score where two are read)");
            }
            return new LinearClassifier(weights, PostTransform.NONE, labels, binary);
        }
        PostTransform one = post == PostTransform.PROBIT ? post : PostTransform.NONE;
        return new LinearClassifier(weights, one, OperatorLabels.zeroOne(labels.text()), null);
    }

    /** @return its rows of coefficients, a raw score each */
    public Coefficients coefficients() {
        return coefficients;
    }

    /** @return the scores the operator writes: two for the {@link #binary} case, else one per row of coefficients */
    public int outputs() {
        return binary != null ? 2 : coefficients.rows();
    }

    /** @return what applies to the raw scores (to the binary case's two scores, its own) */
    public PostTransform transform() {
        return binary != null ? binary.transform() : transform;
    }

    /** @return the one score for two labels, or null */
    public BinaryCase binary() {
        return binary;
    }

    /** @return the labels the label output takes, in score order (0 and 1 for one score without two labels) */
    public OperatorLabels labels() {
        return labels;
    }

    /** @return the label of raw scores {@code scores[at, at + rows)}: the first highest, or by the one score's sign */
    public int label(float[] scores, int at) {
        int rows = coefficients.rows();
        if (rows == 1) {
            return binary != null ? binary.label(scores[at]) : scores[at] > 0 ? 1 : 0;
        }
        int best = 0;
        for (int c = 1; c < rows; c++) {
            if (scores[at + c] > scores[at + best]) {
                best = c;
            }
        }
        return best;
    }
}
