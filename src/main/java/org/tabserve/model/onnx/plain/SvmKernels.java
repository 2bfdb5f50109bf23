package org.tabserve.model.onnx.plain;

import org.tabserve.model.onnx.graph.ml.SvmClassifier;

/**
 * An SVM's kernel between a block of up to {@value #BLOCK} rows and every support vector, as ONNX Runtime computes it,
 * in float: the support vectors in one flat array, the block's rows laid out by feature, and each step a loop over the
 * block's rows (the distances or dot products feature by feature) or over all its kernels at once (the RBF's
 * exponential, {@link FloatExp}, within 2 ulps of {@code Math.exp}'s), the kernel chosen once a block.
 */
final class SvmKernels {

    /**
     * The most rows of a block: loops of up to that many rows, or of the vectors times the rows, long enough for C2's
     * SIMD loops to pay; the block's kernels and scratch (95 vectors: 4 × 49 KB) stay in the second-level cache.
     */
    static final int BLOCK = 128;

    /**
     * The most kernels a block computes at once: an SVM of many vectors takes fewer rows a block, so that a run's
     * scratch (four arrays of this many floats) stays within 256 KB, whatever the model (the bundled model's 95
     * vectors take full blocks).
     */
    static final int KERNELS = 1 << 14;

    /**
     * The fewest rows whose squares are laid out for SIMD loops: below, copying each row's values once per vector
     * costs more than the scalar loop it saves.
     */
    static final int LAID_OUT = 16;

    private final SvmClassifier.Kernel kernel;
    private final float gamma;
    private final float coef0;
    private final float degree;
    private final int features;
    private final int vectors;
    /** Support vector {@code v}'s feature {@code f} at {@code v * features + f}. */
    private final float[] supportVectors;

    SvmKernels(SvmClassifier svm) {
        this.kernel = svm.kernel();
        this.gamma = svm.gamma();
        this.coef0 = svm.coef0();
        this.degree = svm.degree();
        this.features = svm.features();
        this.vectors = svm.vectors();
        this.supportVectors = new float[vectors * features];
        for (int v = 0; v < vectors; v++) {
            for (int f = 0; f < features; f++) {
                supportVectors[v * features + f] = svm.supportVector(v, f);
            }
        }
    }

    /** A run's scratch for its blocks, each as large as the run's first block needs. */
    final class Scratch {

        private final float[] byFeature;
        private final float[] powers;
        private final float[] xs;
        private final float[] vs;
        /** The block's kernels, vector by vector: row {@code r}'s of vector {@code v} at {@code v * rows + r}. */
        final float[] kernels;

        private Scratch(int rows) {
            this.byFeature = new float[features * rows];
            this.kernels = new float[vectors * rows];
            boolean rbf = kernel == SvmClassifier.Kernel.RBF;
            this.powers = rbf ? new float[vectors * rows] : null;
            this.xs = rbf ? new float[vectors * rows] : null;
            this.vs = rbf ? new float[vectors * rows] : null;
        }
    }

    /** @return the rows of a block: {@link #BLOCK}, fewer for an SVM of more than {@link #KERNELS} / BLOCK vectors */
    int blockRows() {
        return Math.max(1, Math.min(BLOCK, KERNELS / Math.max(1, vectors)));
    }

    /** @return scratch for a run of {@code rows} rows, in blocks of up to {@link #blockRows} */
    Scratch scratch(int rows) {
        return new Scratch(Math.min(rows, blockRows()));
    }

    /**
     * The kernels of rows {@code [first, first + rows)} of {@code x} against every support vector, into
     * {@code into.kernels}: row {@code r}'s (of the block) of vector {@code v} at {@code v * rows + r}.
     *
     * @param x    rows of {@code features} floats, one after another
     * @param rows from 1 to {@link #blockRows}, and no more than the rows {@code into} was made for
     */
    void block(float[] x, int first, int rows, Scratch into) {
        float[] byFeature = into.byFeature;
        for (int r = 0; r < rows; r++) {
            int at = (first + r) * features;
            for (int f = 0; f < features; f++) {
                byFeature[f * rows + r] = x[at + f];
            }
        }
        float[] out = into.kernels;
        int size = vectors * rows;
        if (kernel == SvmClassifier.Kernel.RBF) {
            minusGammaSquares(byFeature, rows, into);
            FloatExp.exp(out, size, into.powers);
            return;
        }
        dots(byFeature, rows, out);
        switch (kernel) {
            case LINEAR -> {}
            case POLY -> {
                for (int i = 0; i < size; i++) {
                    out[i] = (float) Math.pow(gamma * out[i] + coef0, degree);
                }
            }
            case SIGMOID -> {
                for (int i = 0; i < size; i++) {
                    out[i] = (float) Math.tanh(gamma * out[i] + coef0);
                }
            }
            case RBF -> throw new AssertionError();
        }
    }

    /**
     * -gamma · |x - v|², the squares summed feature by feature as ONNX Runtime does: the RBF kernel's exponent. Each
     * feature's step is one loop over all the block's kernels, its operands laid out alike (the rows' values repeated
     * for each vector, each vector's value repeated for each row), since Java 17's compiler vectorizes a loop only when
     * every array in it is read and written at the same index.
     */
    private void minusGammaSquares(float[] byFeature, int rows, Scratch into) {
        float[] out = into.kernels;
        int size = vectors * rows;
        if (rows < LAID_OUT) {
            for (int v = 0; v < vectors; v++) {
                for (int r = 0; r < rows; r++) {
                    float sum = 0;
                    for (int f = 0; f < features; f++) {
                        float d = byFeature[f * rows + r] - supportVectors[v * features + f];
                        sum += d * d;
                    }
                    out[v * rows + r] = sum;
                }
            }
        } else {
            squaresLaidOut(byFeature, rows, into);
        }
        float minusGamma = -gamma;
        for (int i = 0; i < size; i++) {
            out[i] = minusGamma * out[i];
        }
    }

    private void squaresLaidOut(float[] byFeature, int rows, Scratch into) {
        float[] out = into.kernels;
        float[] xs = into.xs;
        float[] vs = into.vs;
        int size = vectors * rows;
        java.util.Arrays.fill(out, 0, size, 0f);
        for (int f = 0; f < features; f++) {
            for (int v = 0; v < vectors; v++) {
                System.arraycopy(byFeature, f * rows, xs, v * rows, rows);
                java.util.Arrays.fill(vs, v * rows, (v + 1) * rows, supportVectors[v * features + f]);
            }
            for (int i = 0; i < size; i++) {
                float d = xs[i] - vs[i];
                out[i] += d * d;
            }
        }
    }

    /** x · v, summed feature by feature. */
    private void dots(float[] byFeature, int rows, float[] out) {
        for (int v = 0; v < vectors; v++) {
            int o = v * rows;
            int s = v * features;
            java.util.Arrays.fill(out, o, o + rows, 0f);
            for (int f = 0; f < features; f++) {
                float sf = supportVectors[s + f];
                int t = f * rows;
                for (int r = 0; r < rows; r++) {
                    out[o + r] += byFeature[t + r] * sf;
                }
            }
        }
    }
}
