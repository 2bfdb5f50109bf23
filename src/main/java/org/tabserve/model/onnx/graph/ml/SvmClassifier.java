package org.tabserve.model.onnx.graph.ml;

import org.tabserve.model.onnx.graph.NodeAttributes;
import org.tabserve.model.onnx.graph.OnnxFormatException;

/**
 * ai.onnx.ml SVMClassifier as ONNX Runtime reads it ({@code svmclassifier.cc}): a kernel and its parameters
 * ({@code gamma}, {@code coef0}, {@code degree}), and in SVC mode (libsvm's; {@code vectors_per_class} given) the
 * support vectors of each class, one row of dual coefficients per class but one, a {@code rho} per pair of classes and,
 * for Platt's probabilities, {@code prob_a} and {@code prob_b} per pair; without {@code vectors_per_class} it is in
 * liblinear's mode, whose weights are {@code coefficients} alone.
 */
public final class SvmClassifier {

    /** The kernels ONNX Runtime computes. */
    public enum Kernel {
        LINEAR,
        POLY,
        RBF,
        SIGMOID
    }

    private final Kernel kernel;
    private final float gamma;
    private final float coef0;
    private final float degree;
    private final OperatorLabels labels;
    private final PostTransform post;
    private final int[] perClass;
    private final int vectors;
    private final int features;
    private final float[] supportVectors;
    private final float[] coefficients;
    private final float[] rho;
    private final float[] probA;
    private final float[] probB;

    private SvmClassifier(NodeAttributes a, Kernel kernel, OperatorLabels labels, PostTransform post, int[] perClass)
            throws OnnxFormatException {
        float[] params = a.floats("kernel_params");
        this.kernel = kernel;
        this.gamma = params.length > 0 ? params[0] : 0;
        this.coef0 = params.length > 1 ? params[1] : 0;
        this.degree = params.length > 2 ? params[2] : 0;
        this.labels = labels;
        this.post = post;
        this.perClass = perClass;
        this.supportVectors = a.floats("support_vectors");
        this.coefficients = a.floats("coefficients");
        this.rho = a.floats("rho");
        this.probA = a.floats("prob_a");
        this.probB = a.floats("prob_b");
        int total = 0;
        for (int count : perClass) {
            total += count;
        }
        this.vectors = total;
        this.features = total == 0 ? 0 : supportVectors.length / total;
    }

    /**
     * @param a an SVMClassifier node's attributes
     * @throws UnreadOperator for a kernel or post_transform that is not one, or in SVC mode support vectors and
     *                        coefficients of sizes that do not agree with its classes
     */
    public static SvmClassifier read(NodeAttributes a) throws UnreadOperator, OnnxFormatException {
        String kernelName = a.text("kernel_type", "LINEAR");
        Kernel kernel;
        try {
            kernel = Kernel.valueOf(kernelName);
        } catch (IllegalArgumentException e) {
            throw UnreadOperator.at(a, "kernel " + kernelName);
        }
        PostTransform post = PostTransform.of(a);
        OperatorLabels labels = OperatorLabels.read(a, OperatorLabels.INTS);
        long[] counts = a.ints("vectors_per_class");
        int[] perClass = new int[counts.length];
        long total = 0;
        for (int c = 0; c < counts.length; c++) {
            if (counts[c] < 0 || counts[c] > Integer.MAX_VALUE) {
                throw UnreadOperator.at(a, "vectors_per_class " + counts[c]);
            }
            perClass[c] = (int) counts[c];
            total += counts[c];
        }
        SvmClassifier svm = new SvmClassifier(a, kernel, labels, post, perClass);
        int classes = labels.size();
        if (counts.length > 0
                && (classes < 2
                        || counts.length != classes
                        || total == 0
                        || svm.supportVectors.length % total != 0
                        || svm.coefficients.length < (classes - 1) * total
                        || svm.rho.length < classes * (classes - 1) / 2)) {
            throw UnreadOperator.at(a, "support vectors and coefficients of inconsistent sizes");
        }
        return svm;
    }

    /** @return whether it is in SVC mode (libsvm's: support vectors per class); else liblinear's */
    public boolean svc() {
        return perClass.length > 0;
    }

    /** @return whether it has Platt's probabilities for each pair of its classes ({@code prob_a}, {@code prob_b}) */
    public boolean probabilities() {
        int pairs = labels.size() * (labels.size() - 1) / 2;
        return labels.size() >= 2 && probA.length >= pairs && probB.length >= pairs;
    }

    /** @return whether the node has any {@code prob_a}: what says its scores are probabilities */
    public static boolean plattScaled(NodeAttributes a) throws OnnxFormatException {
        return a.floats("prob_a").length > 0;
    }

    /** @return its kernel ({@code kernel_type}, LINEAR when absent) */
    public Kernel kernel() {
        return kernel;
    }

    /** @return the kernel's gamma, {@code kernel_params[0]} (0 when absent) */
    public float gamma() {
        return gamma;
    }

    /** @return the kernel's coef0, {@code kernel_params[1]} (0 when absent) */
    public float coef0() {
        return coef0;
    }

    /** @return the kernel's degree, {@code kernel_params[2]} (0 when absent) */
    public float degree() {
        return degree;
    }

    /** @return its labels, in class order */
    public OperatorLabels labels() {
        return labels;
    }

    /** @return its post_transform */
    public PostTransform postTransform() {
        return post;
    }

    /** @return the support vectors of class {@code c} */
    public int vectorsOf(int c) {
        return perClass[c];
    }

    /** @return the support vectors in all */
    public int vectors() {
        return vectors;
    }

    /** @return the elements of a support vector, and of the input row */
    public int features() {
        return features;
    }

    /** @return element {@code j} of support vector {@code v} */
    public float supportVector(int v, int j) {
        return supportVectors[v * features + j];
    }

    /** @return dual coefficient {@code v} of row {@code r} (class {@code r + 1} against the others, libsvm's layout) */
    public float coefficient(int r, int v) {
        return coefficients[r * vectors + v];
    }

    /** @return rho of pair {@code p} (pairs in libsvm's order: (0, 1), (0, 2), ..., (1, 2), ...) */
    public float rho(int p) {
        return rho[p];
    }

    /** @return Platt's A of pair {@code p} */
    public float probA(int p) {
        return probA[p];
    }

    /** @return Platt's B of pair {@code p} */
    public float probB(int p) {
        return probB[p];
    }

    /**
     * libsvm's Platt probability of a pair's first class from its decision value, as ONNX Runtime writes it
     * ({@code sigmoid_probability}): 1 - logistic(score·A + B).
     */
    public static float plattProbability(float score, float a, float b) {
        return 1 - PostTransform.logisticInFloat(score * a + b);
    }
}
