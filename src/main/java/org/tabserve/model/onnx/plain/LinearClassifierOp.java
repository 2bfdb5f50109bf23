package org.tabserve.model.onnx.plain;

import org.tabserve.model.onnx.graph.ml.BinaryCase;
import org.tabserve.model.onnx.graph.ml.Coefficients;
import org.tabserve.model.onnx.graph.ml.LinearClassifier;

/**
 * ai.onnx.ml LinearClassifier ({@link LinearClassifier}: scikit-learn's logistic regressions and linear SVMs as
 * skl2onnx exports them, the binary ones included): a raw score per row of coefficients, {@code x·w + b} in float,
 * the label of the highest (or of the one score's sign), then the operator's scores as ONNX Runtime writes them.
 */
final class LinearClassifierOp implements PlainOp {

    private final LinearClassifier definition;
    private final Coefficients weights;
    private final PlainLabels labels;

    LinearClassifierOp(LinearClassifier definition) {
        this.definition = definition;
        this.weights = definition.coefficients();
        this.labels = new PlainLabels(definition.labels());
    }

    @Override
    public PlainTensor[] apply(PlainTensor[] inputs) {
        PlainTensor x = inputs[0];
        int features = weights.features();
        if (x.width() != features) {
            throw new IllegalArgumentException("LinearClassifier takes " + features + " features, got " + x.width());
        }
        float[] values = x.asFloats();
        int rows = x.rows();
        int raw = weights.rows();
        int outputs = definition.outputs();
        float[] scores = new float[rows * outputs];
        float[] margins = new float[raw];
        int[] label = new int[rows];
        BinaryCase binary = definition.binary();
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < raw; c++) {
                margins[c] = weights.score(c, values, r * features);
            }
            label[r] = definition.label(margins, 0);
            if (binary != null) {
                binary.write(margins[0], scores, r * outputs);
            } else {
                System.arraycopy(margins, 0, scores, r * outputs, raw);
                definition.transform().apply(scores, r * outputs, (r + 1) * outputs);
            }
        }
        return new PlainTensor[] {labels.of(label), PlainTensor.floats(rows, outputs, scores)};
    }
}
