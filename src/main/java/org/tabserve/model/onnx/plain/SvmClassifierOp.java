package org.tabserve.model.onnx.plain;

import org.tabserve.model.onnx.graph.NodeAttributes;
import org.tabserve.model.onnx.graph.ml.PostTransform;
import org.tabserve.model.onnx.graph.ml.SvmClassifier;

/**
 * ai.onnx.ml SVMClassifier ({@link SvmClassifier}) in SVC mode with Platt's probabilities (libsvm's, as Tribuo and
 * scikit-learn's {@code SVC(probability=True)} export it): kernels against every support vector, one decision value
 * per pair of classes, each turned into a pairwise probability and coupled into class probabilities, as ONNX Runtime
 * computes them (in float, the pairwise sums in double). The label is the class with most pairwise votes, as ONNX
 * Runtime's.
 */
final class SvmClassifierOp implements PlainOp {

    private final SvmClassifier svm;
    private final int classes;
    private final int features;
    private final int vectors;
    private final int[] firstOf;
    private final PlainLabels labels;

    /**
     * @param a the node's attributes, which {@code svm} was read from
     * @throws Unsupported for liblinear's mode, a post_transform, or no Platt probabilities
     */
    SvmClassifierOp(SvmClassifier svm, NodeAttributes a) throws Unsupported {
        if (!svm.svc()) {
            throw Unsupported.at(a, "liblinear mode (no vectors_per_class)");
        }
        if (svm.postTransform() != PostTransform.NONE) {
            throw Unsupported.at(a, "post_transform " + svm.postTransform());
        }
        if (!svm.probabilities()) {
            throw Unsupported.at(
                    a,
                    "no probabilities (prob_a, prob_b) for its " + svm.labels().size() + " classes");
        }
        this.svm = svm;
        this.classes = svm.labels().size();
        this.features = svm.features();
        this.vectors = svm.vectors();
        this.firstOf = new int[classes];
        for (int c = 1; c < classes; c++) {
            firstOf[c] = firstOf[c - 1] + svm.vectorsOf(c - 1);
        }
        this.labels = new PlainLabels(svm.labels());
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
        int[] label = new int[rows];
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
                    for (int m = 0; m < svm.vectorsOf(i); m++) {
                        sum += svm.coefficient(j - 1, firstOf[i] + m) * kernels[firstOf[i] + m];
                    }
                    for (int m = 0; m < svm.vectorsOf(j); m++) {
                        sum += svm.coefficient(i, firstOf[j] + m) * kernels[firstOf[j] + m];
                    }
                    sum += svm.rho(pair);
                    float score = (float) sum;
                    votes[sum > 0 ? i : j]++;
                    float probability = SvmClassifier.plattProbability(score, svm.probA(pair), svm.probB(pair));
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
            label[r] = best;
        }
        return new PlainTensor[] {labels.of(label), PlainTensor.floats(rows, classes, probabilities)};
    }

    private void kernels(float[] x, int at, float[] out) {
        float gamma = svm.gamma();
        for (int v = 0; v < vectors; v++) {
            float k;
            if (svm.kernel() == SvmClassifier.Kernel.RBF) {
                float sum = 0;
                for (int f = 0; f < features; f++) {
                    float d = x[at + f] - svm.supportVector(v, f);
                    sum += d * d;
                }
                k = (float) Math.exp(-gamma * sum);
            } else {
                float dot = 0;
                for (int f = 0; f < features; f++) {
                    dot += x[at + f] * svm.supportVector(v, f);
                }
                k = switch (svm.kernel()) {
                    case LINEAR -> dot;
                    case POLY -> (float) Math.pow(gamma * dot + svm.coef0(), svm.degree());
                    case SIGMOID -> (float) Math.tanh(gamma * dot + svm.coef0());
                    case RBF -> throw new AssertionError();
                };
            }
            out[v] = k;
        }
    }
}
