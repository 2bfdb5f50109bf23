package org.tabserve.model.onnx.plain;

import org.tabserve.model.onnx.graph.ml.SvmClassifier;

/**
 * The plain engine's SVC as it was before its blocks ({@link SvmKernels}), for {@link PlainOrOrtBenchmark}'s
 * comparison: per row, every vector's kernel through the definition's accessors with the kernel chosen inside the loop
 * and {@code Math.exp} in double, then each pair's sum, Platt's probability and the coupling.
 */
final class SvmBefore {

    private SvmBefore() {}

    /** @return the last row's first class probability (the answers are computed and dropped) */
    static float decisions(SvmClassifier svm, float[] values, int rows) {
        int classes = svm.labels().size();
        int features = svm.features();
        int vectors = svm.vectors();
        int[] firstOf = new int[classes];
        for (int c = 1; c < classes; c++) {
            firstOf[c] = firstOf[c - 1] + svm.vectorsOf(c - 1);
        }
        float[] kernels = new float[vectors];
        float[] pairwise = new float[classes * classes];
        float[] p = new float[classes];
        for (int r = 0; r < rows; r++) {
            float gamma = svm.gamma();
            for (int v = 0; v < vectors; v++) {
                float k;
                if (svm.kernel() == SvmClassifier.Kernel.RBF) {
                    float sum = 0;
                    for (int f = 0; f < features; f++) {
                        float d = values[r * features + f] - svm.supportVector(v, f);
                        sum += d * d;
                    }
                    k = (float) Math.exp(-gamma * sum);
                } else {
                    float dot = 0;
                    for (int f = 0; f < features; f++) {
                        dot += values[r * features + f] * svm.supportVector(v, f);
                    }
                    k = dot;
                }
                kernels[v] = k;
            }
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
                    float probability = SvmClassifier.plattProbability((float) sum, svm.probA(pair), svm.probB(pair));
                    probability = Math.min(Math.max(probability, 1.0e-7f), 1 - 1.0e-7f);
                    pairwise[i * classes + j] = probability;
                    pairwise[j * classes + i] = 1 - probability;
                }
            }
            Coupling.probabilities(classes, pairwise, p);
        }
        return p[0];
    }
}
