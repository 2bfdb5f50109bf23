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
        probabilities(k, pairwise, p, new float[k * k], new float[k]);
    }

    /**
     * As {@link #probabilities(int, float[], float[])}, in the caller's scratch arrays (a run's, reused row after row).
     *
     * @param q  {@code k × k} floats, overwritten
     * @param qp {@code k} floats, overwritten
     */
    static void probabilities(int k, float[] pairwise, float[] p, float[] q, float[] qp) {
        java.util.Arrays.fill(q, 0, k * k, 0f);
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

    /**
     * {@link #probabilities} for two classes, the same float operations in the same order on locals instead of arrays
     * (so the same answers, bit for bit): what a binary SVC computes once a row.
     *
     * @param first the probability of class 0 against class 1 ({@code pairwise[0*2 + 1]})
     * @param out   receives the probabilities of class 0 and 1 at {@code at} and {@code at + 1}
     */
    static void ofTwo(float first, float[] out, int at) {
        float r01 = first;
        float r10 = 1 - first;
        float q00 = 0f + r10 * r10;
        float q01 = -r10 * r01;
        float q10 = q01;
        float q11 = 0f + r01 * r01;
        float p0 = 1.0f / 2;
        float p1 = 1.0f / 2;
        float eps = 0.005f / 2;
        for (int loop = 0; loop < 100; loop++) {
            float qp0 = (0f + q00 * p0) + q01 * p1;
            float pqp = 0f + p0 * qp0;
            float qp1 = (0f + q10 * p0) + q11 * p1;
            pqp += p1 * qp1;
            float maxError = Math.max(Math.max(0f, Math.abs(qp0 - pqp)), Math.abs(qp1 - pqp));
            if (maxError < eps) {
                break;
            }
            // i = 0
            float diff = (-qp0 + pqp) / q00;
            p0 += diff;
            pqp = (pqp + diff * (diff * q00 + 2 * qp0)) / (1 + diff) / (1 + diff);
            qp0 = (qp0 + diff * q00) / (1 + diff);
            p0 /= (1 + diff);
            qp1 = (qp1 + diff * q01) / (1 + diff);
            p1 /= (1 + diff);
            // i = 1
            diff = (-qp1 + pqp) / q11;
            p1 += diff;
            pqp = (pqp + diff * (diff * q11 + 2 * qp1)) / (1 + diff) / (1 + diff);
            qp0 = (qp0 + diff * q10) / (1 + diff);
            p0 /= (1 + diff);
            qp1 = (qp1 + diff * q11) / (1 + diff);
            p1 /= (1 + diff);
        }
        out[at] = p0;
        out[at + 1] = p1;
    }
}
