package org.tabserve.model.onnx.plain;

import org.tabserve.model.onnx.graph.NodeAttributes;
import org.tabserve.model.onnx.graph.ml.PostTransform;
import org.tabserve.model.onnx.graph.ml.SvmClassifier;

/**
 * ai.onnx.ml SVMClassifier ({@link SvmClassifier}) in SVC mode with Platt's probabilities (libsvm's, as Tribuo and
 * scikit-learn's {@code SVC(probability=True)} export it): kernels against every support vector, one decision value
 * per pair of classes, each turned into a pairwise probability and coupled into class probabilities, as ONNX Runtime
 * computes them (in float, the pairwise sums in double). The label is the class with most pairwise votes, as ONNX
 * Runtime's. A batch is computed in blocks of rows ({@link SvmKernels}): the kernels of a block against every vector,
 * then each pair's sums over them, then each row's probabilities.
 */
final class SvmClassifierOp implements PlainOp {

    private final SvmClassifier svm;
    private final int classes;
    private final int features;
    private final int vectors;
    private final int pairs;
    private final int[] firstOf;
    private final PlainLabels labels;
    private final SvmKernels kernels;
    /** Coefficient row {@code r}'s of vector {@code v} at {@code r * vectors + v}, libsvm's layout. */
    private final float[] coefficients;

    private final float[] probA;
    private final float[] probB;

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
        this.pairs = classes * (classes - 1) / 2;
        this.kernels = new SvmKernels(svm);
        this.coefficients = new float[(classes - 1) * vectors];
        for (int r = 0; r < classes - 1; r++) {
            for (int v = 0; v < vectors; v++) {
                coefficients[r * vectors + v] = svm.coefficient(r, v);
            }
        }
        this.probA = new float[pairs];
        this.probB = new float[pairs];
        for (int pair = 0; pair < pairs; pair++) {
            probA[pair] = svm.probA(pair);
            probB[pair] = svm.probB(pair);
        }
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
        SvmKernels.Scratch scratch = kernels.scratch(rows);
        int blockRows = kernels.blockRows();
        double[] sums = new double[pairs * Math.min(rows, blockRows)];
        float[] pairwise = new float[classes * classes];
        int[] votes = new int[classes];
        float[] p = new float[classes];
        float[] q = new float[classes * classes];
        float[] qp = new float[classes];
        for (int first = 0; first < rows; first += blockRows) {
            int block = Math.min(blockRows, rows - first);
            kernels.block(values, first, block, scratch);
            decisions(scratch.kernels, block, sums);
            if (classes == 2) {
                for (int r = 0; r < block; r++) {
                    double sum = sums[r];
                    Coupling.ofTwo(pairProbability(sum, 0), probabilities, (first + r) * 2);
                    label[first + r] = sum > 0 ? 0 : 1;
                }
                continue;
            }
            for (int r = 0; r < block; r++) {
                java.util.Arrays.fill(votes, 0);
                int pair = 0;
                for (int i = 0; i < classes - 1; i++) {
                    for (int j = i + 1; j < classes; j++, pair++) {
                        double sum = sums[pair * block + r];
                        votes[sum > 0 ? i : j]++;
                        float probability = pairProbability(sum, pair);
                        pairwise[i * classes + j] = probability;
                        pairwise[j * classes + i] = 1 - probability;
                    }
                }
                Coupling.probabilities(classes, pairwise, p, q, qp);
                System.arraycopy(p, 0, probabilities, (first + r) * classes, classes);
                int best = 0;
                for (int c = 1; c < classes; c++) {
                    if (votes[c] > votes[best]) {
                        best = c;
                    }
                }
                label[first + r] = best;
            }
        }
        return new PlainTensor[] {labels.of(label), PlainTensor.floats(rows, classes, probabilities)};
    }

    /** Pair {@code pair}'s probability of its first class from its decision value: Platt's, kept within (0, 1). */
    private float pairProbability(double sum, int pair) {
        float probability = SvmClassifier.plattProbability((float) sum, probA[pair], probB[pair]);
        return Math.min(Math.max(probability, 1.0e-7f), 1 - 1.0e-7f);
    }

    /**
     * Each pair's decision value for each row of the block, summed as ONNX Runtime sums it: in double, the first
     * class's vectors then the second's, each product in float, then rho.
     *
     * @param kernel the block's kernels, vector by vector ({@link SvmKernels#block})
     * @param sums   receives pair {@code p}'s value for row {@code r} at {@code p * rows + r}
     */
    private void decisions(float[] kernel, int rows, double[] sums) {
        int pair = 0;
        for (int i = 0; i < classes - 1; i++) {
            for (int j = i + 1; j < classes; j++, pair++) {
                int at = pair * rows;
                java.util.Arrays.fill(sums, at, at + rows, 0.0);
                add(firstOf[i], firstOf[i] + svm.vectorsOf(i), j - 1, kernel, rows, sums, at);
                add(firstOf[j], firstOf[j] + svm.vectorsOf(j), i, kernel, rows, sums, at);
                double rho = svm.rho(pair);
                for (int r = 0; r < rows; r++) {
                    sums[at + r] += rho;
                }
            }
        }
    }

    /** Adds coefficient row {@code row}'s terms of vectors {@code [from, to)} to the block's sums at {@code at}. */
    private void add(int from, int to, int row, float[] kernel, int rows, double[] sums, int at) {
        int offset = row * vectors;
        int v = from;
        for (; v + 4 <= to; v += 4) { // four vectors a pass over the sums, each still added in turn
            float c0 = coefficients[offset + v];
            float c1 = coefficients[offset + v + 1];
            float c2 = coefficients[offset + v + 2];
            float c3 = coefficients[offset + v + 3];
            int k = v * rows;
            for (int r = 0; r < rows; r++) {
                double sum = sums[at + r];
                sum += c0 * kernel[k + r];
                sum += c1 * kernel[k + rows + r];
                sum += c2 * kernel[k + 2 * rows + r];
                sum += c3 * kernel[k + 3 * rows + r];
                sums[at + r] = sum;
            }
        }
        for (; v < to; v++) {
            float c = coefficients[offset + v];
            int k = v * rows;
            for (int r = 0; r < rows; r++) {
                sums[at + r] += c * kernel[k + r];
            }
        }
    }
}
