package org.tabserve.model.onnx.plain;

import org.tabserve.model.onnx.graph.NodeAttributes;
import org.tabserve.model.onnx.graph.OnnxFormatException;

import java.util.List;

/**
 * ai.onnx.ml LinearClassifier with one coefficient row per class (scikit-learn's logistic regressions and linear
 * SVMs as skl2onnx exports them, the binary ones included): a score per class, {@code x·w + b} in float, the label of
 * the highest score, then the post-transform (none, logistic or softmax) on the scores, as ONNX Runtime computes them.
 */
final class LinearClassifier implements PlainOp {

    private final int classes;
    private final int features;
    private final float[] coefficients;
    private final float[] intercepts;
    private final String transform;
    private final long[] labelInts;
    private final String[] labelStrings;

    LinearClassifier(NodeAttributes a) throws Unsupported, OnnxFormatException {
        labelInts = a.ints("classlabels_ints");
        List<String> strings = a.strings("classlabels_strings");
        labelStrings = strings.isEmpty() ? null : strings.toArray(String[]::new);
        classes = labelStrings != null ? labelStrings.length : labelInts.length;
        coefficients = a.floats("coefficients");
        float[] given = a.floats("intercepts");
        transform = a.text("post_transform", "NONE");
        if (!List.of("NONE", "LOGISTIC", "SOFTMAX").contains(transform)) {
            throw Unsupported.at(a, "post_transform " + transform);
        }
        if (classes < 2 || coefficients.length % classes != 0) {
            throw Unsupported.at(a, coefficients.length + " coefficients for " + classes + " classes (one row per class"
                    + " is run in plain Java)");
        }
        features = coefficients.length / classes;
        if (given.length != 0 && given.length != classes) {
            throw Unsupported.at(a, given.length + " intercepts for " + classes + " classes");
        }
        intercepts = given.length == 0 ? new float[classes] : given;
    }

    @Override
    public PlainTensor[] apply(PlainTensor[] inputs) {
        PlainTensor x = inputs[0];
        if (x.width() != features) {
            throw new IllegalArgumentException("LinearClassifier takes " + features + " features, got " + x.width());
        }
        float[] values = x.asFloats();
        int rows = x.rows();
        float[] scores = new float[rows * classes];
        long[] ints = labelStrings == null ? new long[rows] : null;
        String[] texts = labelStrings == null ? null : new String[rows];
        for (int r = 0; r < rows; r++) {
            int best = 0;
            for (int c = 0; c < classes; c++) {
                float score = 0;
                for (int f = 0; f < features; f++) {
                    score += values[r * features + f] * coefficients[c * features + f];
                }
                score += intercepts[c];
                scores[r * classes + c] = score;
                if (score > scores[r * classes + best]) {
                    best = c;
                }
            }
            if (texts != null) {
                texts[r] = labelStrings[best];
            } else {
                ints[r] = labelInts[best];
            }
            transform(scores, r * classes);
        }
        PlainTensor label = texts != null ? PlainTensor.strings(rows, 1, texts) : PlainTensor.longs(rows, 1, ints);
        return new PlainTensor[] {label.asRank1(), PlainTensor.floats(rows, classes, scores)};
    }

    private void transform(float[] scores, int at) {
        switch (transform) {
            case "LOGISTIC" -> {
                for (int c = 0; c < classes; c++) {
                    float value = scores[at + c];
                    float v = 1f / (1f + (float) Math.exp(-Math.abs(value))); // in float, as ONNX Runtime's
                    scores[at + c] = value < 0 ? 1 - v : v;
                }
            }
            case "SOFTMAX" -> {
                float max = -Float.MAX_VALUE;
                for (int c = 0; c < classes; c++) {
                    max = Math.max(max, scores[at + c]);
                }
                float sum = 0;
                for (int c = 0; c < classes; c++) {
                    scores[at + c] = (float) Math.exp(scores[at + c] - max);
                    sum += scores[at + c];
                }
                for (int c = 0; c < classes; c++) {
                    scores[at + c] /= sum;
                }
            }
            default -> {
            }
        }
    }
}
