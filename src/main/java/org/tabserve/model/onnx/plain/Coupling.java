package org.tabserve.model.onnx.plain;

/**
 * libsvm's pairwise coupling (Wu, Lin and Weng 2004, method 2): class probabilities from the probabilities of each
 * pair of classes, by the same fixed-point iteration and stopping rule ONNX Runtime uses (at most 100 rounds, stopped
 * when every component's error is below 0.005 / k), in float.
 */
final class Coupling {

    private Coupling() {}

    /**
     * @param k         the number of classes
     * @param pairwise  {@code k × k}: {@code [i*k + j]} is the probability of i against j
     * @param p         receives the k class probabilities
     */
    static void probabilities(int k, float[] pairwise, float[] p) {
        float[] q = new float[k * k];
        float[] qp = new float[k];
        float eps = 0.005f / k;
        for (int i = 0; i < k; i++) {
            p[i] = 1.0f / k;
            for (int j = 0; j < i; j++) {
                q[i * k + i] += pairwise[j * k + i] * pairwise[j * k + i];
                q[i * k + j] = q[j * k + i];
            }
            for (int j = i + 1; j < k; j++) {
                q[i * k + i] += pairwise[j * k + i] * pairwise[j * k + i];
                q[i * k + j] = -pairwise[j * k + i] * pairwise[i * k + j];
            }
        }
        for (int loop = 0; loop < 100; loop++) {
            float pqp = 0;
            for (int i = 0; i < k; i++) {
                qp[i] = 0;
                for (int j = 0; j < k; j++) {
                    qp[i] += q[i * k + j] * p[j];
                }
                pqp += p[i] * qp[i];
            }
            float maxError = 0;
            for (int i = 0; i < k; i++) {
                maxError = Math.max(maxError, Math.abs(qp[i] - pqp));
            }
            if (maxError < eps) {
                break;
            }
            for (int i = 0; i < k; i++) {
                float diff = (-qp[i] + pqp) / q[i * k + i];
                p[i] += diff;
                pqp = (pqp + diff * (diff * q[i * k + i] + 2 * qp[i])) / (1 + diff) / (1 + diff);
                for (int j = 0; j < k; j++) {
                    qp[j] = (qp[j] + diff * q[i * k + j]) / (1 + diff);
                    p[j] /= (1 + diff);
                }
            }
        }
    }
}
