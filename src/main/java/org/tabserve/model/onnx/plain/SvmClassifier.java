package org.tabserve.model.onnx.plain;

import org.tabserve.model.onnx.graph.NodeAttributes;
import org.tabserve.model.onnx.graph.OnnxFormatException;

import java.util.List;

/**
 * ai.onnx.ml SVMClassifier in SVC mode with Platt's probabilities (libsvm's, as Tribuo and scikit-learn's
 * {@code SVC(probability=True)} export it): kernels against every support vector, one decision value per pair of
 * classes, each turned into a pairwise probability and coupled into class probabilities, as ONNX Runtime computes them
 * (in float, the pairwise sums in double). The label is the class with most pairwise votes, as ONNX Runtime's.
 */
final class SvmClassifier implements PlainOp {

    private enum Kernel { LINEAR, POLY, RBF, SIGMOID }

    private final Kernel kernel;
    private final float gamma;
    private final float coef0;
    private final float degree;
    private final int classes;
    private final int features;
    private final int vectors;
    private final int[] perClass;
    private final int[] firstOf;
    private final float[] supportVectors;
    private final float[] coefficients;
    private final float[] rho;
    private final float[] probA;
    private final float[] probB;
    private final long[] labelInts;
    private final String[] labelStrings;

    SvmClassifier(NodeAttributes a) throws Unsupported, OnnxFormatException {
        String kernelName = a.text("kernel_type", "LINEAR");
        try {
            kernel = Kernel.valueOf(kernelName);
        } catch (IllegalArgumentException e) {
            throw Unsupported.at(a, "kernel " + kernelName);
        }
        float[] params = a.floats("kernel_params");
        gamma = params.length > 0 ? params[0] : 0;
        coef0 = params.length > 1 ? params[1] : 0;
        degree = params.length > 2 ? params[2] : 0;
        long[] counts = a.ints("vectors_per_class");
        labelInts = a.ints("classlabels_ints");
        List<String> strings = a.strings("classlabels_strings");
        labelStrings = strings.isEmpty() ? null : strings.toArray(String[]::new);
        classes = labelStrings != null ? labelStrings.length : labelInts.length;
        probA = a.floats("prob_a");
        probB = a.floats("prob_b");
        rho = a.floats("rho");
        coefficients = a.floats("coefficients");
        supportVectors = a.floats("support_vectors");
        if (counts.length == 0) {
            throw Unsupported.at(a, "liblinear mode (no vectors_per_class)");
        }
        if (!"NONE".equals(a.text("post_transform", "NONE"))) {
            throw Unsupported.at(a, "post_transform " + a.text("post_transform", "NONE"));
        }
        int pairs = classes * (classes - 1) / 2;
        if (classes < 2 || counts.length != classes || probA.length < pairs || probB.length < pairs
                || rho.length < pairs) {
            throw Unsupported.at(a, "no probabilities (prob_a, prob_b) for its " + classes + " classes");
        }
        perClass = new int[classes];
        firstOf = new int[classes];
        int total = 0;
        for (int c = 0; c < classes; c++) {
            firstOf[c] = total;
            perClass[c] = Math.toIntExact(counts[c]);
            total += perClass[c];
        }
        vectors = total;
        if (vectors == 0 || supportVectors.length % vectors != 0
                || coefficients.length < (long) (classes - 1) * vectors) {
            throw Unsupported.at(a, "support vectors and coefficients of inconsistent sizes");
        }
        features = supportVectors.length / vectors;
    }

    @Override
    public PlainTensor[] apply(PlainTensor[] inputs) {
        PlainTensor x = inputs[0];
        if (x.width() != features) {
            throw new IllegalArgumentException("SVMClassifier takes " + features + " features, got " + x.width());
        }
        float[] values = x.asFloats();
        int rows = x.rows();
        float[] probabilities = new float[rows * classes];
        long[] ints = labelStrings == null ? new long[rows] : null;
        String[] texts = labelStrings == null ? null : new String[rows];
        float[] kernels = new float[vectors];
        float[] pairwise = new float[classes * classes];
        int[] votes = new int[classes];
        float[] p = new float[classes];
        for (int r = 0; r < rows; r++) {
            kernels(values, r * features, kernels);
            java.util.Arrays.fill(votes, 0);
            int pair = 0;
            for (int i = 0; i < classes - 1; i++) {
                for (int j = i + 1; j < classes; j++, pair++) {
                    double sum = 0;
                    for (int m = 0; m < perClass[i]; m++) {
                        sum += coefficients[(j - 1) * vectors + firstOf[i] + m] * kernels[firstOf[i] + m];
                    }
                    for (int m = 0; m < perClass[j]; m++) {
                        sum += coefficients[i * vectors + firstOf[j] + m] * kernels[firstOf[j] + m];
                    }
                    sum += rho[pair];
                    float score = (float) sum;
                    votes[sum > 0 ? i : j]++;
                    float probability = sigmoidProbability(score, probA[pair], probB[pair]);
                    probability = Math.min(Math.max(probability, 1.0e-7f), 1 - 1.0e-7f);
                    pairwise[i * classes + j] = probability;
                    pairwise[j * classes + i] = 1 - probability;
                }
            }
            Coupling.probabilities(classes, pairwise, p);
            System.arraycopy(p, 0, probabilities, r * classes, classes);
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (votes[c] > votes[best]) {
                    best = c;
                }
            }
            if (texts != null) {
                texts[r] = labelStrings[best];
            } else {
                ints[r] = labelInts[best];
            }
        }
        PlainTensor label = texts != null ? PlainTensor.strings(rows, 1, texts) : PlainTensor.longs(rows, 1, ints);
        return new PlainTensor[] {label.asRank1(), PlainTensor.floats(rows, classes, probabilities)};
    }

    private void kernels(float[] x, int at, float[] out) {
        for (int v = 0; v < vectors; v++) {
            int sv = v * features;
            float k;
            if (kernel == Kernel.RBF) {
                float sum = 0;
                for (int f = 0; f < features; f++) {
                    float d = x[at + f] - supportVectors[sv + f];
                    sum += d * d;
                }
                k = (float) Math.exp(-gamma * sum);
            } else {
                float dot = 0;
                for (int f = 0; f < features; f++) {
                    dot += x[at + f] * supportVectors[sv + f];
                }
                k = switch (kernel) {
                    case LINEAR -> dot;
                    case POLY -> (float) Math.pow(gamma * dot + coef0, degree);
                    case SIGMOID -> (float) Math.tanh(gamma * dot + coef0);
                    case RBF -> throw new AssertionError();
                };
            }
            out[v] = k;
        }
    }

    /** libsvm's Platt probability of the pair's first class, as ONNX Runtime writes it: 1 - logistic(score·A + B). */
    private static float sigmoidProbability(float score, float a, float b) {
        float value = score * a + b;
        float v = 1f / (1f + (float) Math.exp(-Math.abs(value))); // in float, as ONNX Runtime's
        float logistic = value < 0 ? 1 - v : v;
        return 1 - logistic;
    }
}
