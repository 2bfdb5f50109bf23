package org.tabserve.model.onnx;

import ai.onnxruntime.OrtException;
import java.util.ArrayList;
import java.util.List;
import org.tabserve.model.explain.Explanation;
import org.tabserve.model.onnx.engine.OrtAgreement;
import org.tabserve.model.onnx.graph.ml.PostTransform;
import org.tabserve.model.onnx.shapley.AdditiveEstimator;
import org.tabserve.model.onnx.shapley.EstimatorInput;
import org.tabserve.model.signature.Background;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.model.signature.Prediction;

/**
 * Decides, while a model loads, whether its exact explainer ({@link AttributeExplainer}) says what the model does:
 * the second session's estimator scores are this Java reading's ({@link OrtAgreement}) on every background row, each
 * estimator input follows its column alone, every class is one of the estimator's, and the model's answers are the
 * estimator's probability, value or margin.
 */
final class EstimatorCheck {

    /**
     * What the check found.
     *
     * @param background the background rows' estimator inputs
     * @param quantity   what is explained: {@link Explanation#PROBABILITY}, {@link Explanation#VALUE} or
     *                   {@link Explanation#MARGIN}
     * @param scoreOf    for each of the signature's classes, its score's index in the estimator's output
     */
    record Agreed(float[][] background, String quantity, int[] scoreOf) {}

    private EstimatorCheck() {}

    /**
     * Checks the second session against the estimator's reading on {@code background}.
     *
     * @throws IllegalArgumentException saying why the model is explained by coalitions instead
     */
    static Agreed check(
            EstimatorProbe probe,
            ModelSignature signature,
            EstimatorInput input,
            AdditiveEstimator estimator,
            Background background)
            throws OrtException {
        Batch rows = Batch.of(signature, background.cells());
        EstimatorProbe.Run all = probe.run(rows, 0, rows.size());
        for (int r = 0; r < rows.size(); r++) {
            double[] expected = estimator.transformed(estimator.margins(all.features()[r]));
            if (!OrtAgreement.close(expected, all.scores()[r])) {
                throw new IllegalArgumentException(
                        "its estimator's scores as read here differ from ONNX Runtime's on background row " + r);
            }
        }
        String hybrids = hybridsMismatch(probe, signature, input, background, all);
        if (hybrids != null) {
            throw new IllegalArgumentException(hybrids);
        }
        int[] scoreOf = new int[signature.classLabels().size()];
        for (int c = 0; c < scoreOf.length; c++) {
            scoreOf[c] = estimator.labels().indexOf(signature.classLabels().get(c));
            if (scoreOf[c] < 0) {
                throw new IllegalArgumentException(
                        "its class '" + signature.classLabels().get(c) + "' is not one of its estimator's labels");
            }
        }
        String quantity = quantity(estimator, all, scoreOf);
        if (quantity == null) {
            throw new IllegalArgumentException("its answer is not its estimator's value");
        }
        return new Agreed(all.features(), quantity, scoreOf);
    }

    /** Probability, value or margin: whichever the model's answers are of the estimator's scores. */
    private static String quantity(AdditiveEstimator estimator, EstimatorProbe.Run all, int[] scoreOf) {
        boolean same = estimator.transform() == PostTransform.NONE;
        for (int r = 0; same && r < all.predictions().size(); r++) {
            Prediction p = all.predictions().get(r);
            if (p instanceof Prediction.Regression regression) {
                same = OrtAgreement.close(regression.value(), all.scores()[r][0]);
            } else if (p instanceof Prediction.Classification c) {
                for (int k = 0; same && k < scoreOf.length; k++) {
                    same = OrtAgreement.close(c.probabilities().get(k), all.scores()[r][scoreOf[k]]);
                }
            } else {
                same = false;
            }
        }
        if (scoreOf.length == 0) {
            return same ? Explanation.VALUE : null;
        }
        return same ? Explanation.PROBABILITY : Explanation.MARGIN;
    }

    /**
     * Null when a row that takes one column from another background row gets that row's estimator inputs on the
     * column's elements and its own elsewhere, for a few pairs of rows and every column; else what differed.
     */
    private static String hybridsMismatch(
            EstimatorProbe probe,
            ModelSignature signature,
            EstimatorInput input,
            Background background,
            EstimatorProbe.Run all)
            throws OrtException {
        List<Object[]> cells = background.cells();
        int columns = signature.featureCount();
        int pairs = Math.min(4, cells.size() - 1);
        List<Object[]> hybrids = new ArrayList<>();
        for (int p = 0; p < pairs; p++) {
            for (int g = 0; g < columns; g++) {
                Object[] row = cells.get(p).clone();
                row[g] = cells.get(p + 1)[g];
                hybrids.add(row);
            }
        }
        if (hybrids.isEmpty()) {
            return null;
        }
        Batch batch = Batch.of(signature, hybrids);
        EstimatorProbe.Run mixed = probe.run(batch, 0, batch.size());
        int[] columnOf = input.columnOf();
        for (int h = 0; h < hybrids.size(); h++) {
            int p = h / columns;
            int g = h % columns;
            for (int j = 0; j < columnOf.length; j++) {
                float want = all.features()[columnOf[j] == g ? p + 1 : p][j];
                float got = mixed.features()[h][j];
                if (!(want == got || Float.isNaN(want) && Float.isNaN(got))) {
                    return "its estimator's input element " + j + " does not follow column '"
                            + signature.featureNames().get(columnOf[j]) + "' alone";
                }
            }
        }
        return null;
    }
}
