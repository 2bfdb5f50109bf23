package org.tabserve.model.trees.xgboost;

/**
 * e<sup>x</sup> in float32 as the C library's {@code expf} computes it, since XGBoost's links call it (its sigmoid,
 * softmax and exp): glibc's (2.28 and later, from Arm's optimized routines), which is not always the float nearest
 * e<sup>x</sup> ({@code (float) Math.exp(x)} differs in about 1 of 1,100 values). The algorithm: in double, x / ln 2
 * scaled by 32 and rounded to an integer k by the 1.5·2<sup>52</sup> trick, 2<sup>k/32</sup> from a table of the 32
 * powers 2<sup>i/32</sup> with k's high part added to the exponent, times a degree-3 polynomial of the remainder,
 * rounded once to float. Its answers equal glibc's on every value of {@code fixtures/make_expf_vectors.py}'s sample
 * (ExpfTest); with or without fused multiply-adds (glibc's two x86-64 variants) they are the same.
 */
final class Expf {

    private static final int BITS = 5;
    private static final double N = 1 << BITS;

    /** 1.5·2<sup>52</sup>: added to a double of magnitude below 2<sup>51</sup>, rounds it to an integer in its bits. */
    private static final double SHIFT = 0x1.8p+52;

    private static final double INV_LN2_N = 0x1.71547652b82fep+0 * N;

    /** The polynomial 2<sup>r/N</sup> ≈ 1 + C2 r + C1 r² + C0 r³, for |r| ≤ 1/2. */
    private static final double C0 = 0x1.c6af84b912394p-5 / N / N / N;

    private static final double C1 = 0x1.ebfce50fac4f3p-3 / N / N;
    private static final double C2 = 0x1.62e42ff0c52d6p-1 / N;

    /** Above it e^x overflows float: infinity. */
    private static final float OVERFLOW = 0x1.62e42ep6f;

    /** Below it e^x rounds to 0. */
    private static final float UNDERFLOW = -0x1.9fe368p6f;

    /** Each 2<sup>i/N</sup>'s bits less i's place in the exponent: {@code tab[i] + (i << 52 - BITS)} is the power. */
    private static final long[] TABLE = new long[1 << BITS];

    static {
        for (int i = 0; i < TABLE.length; i++) {
            // Each power as the double nearest it (the table glibc ships holds the same 32 values).
            TABLE[i] = Double.doubleToRawLongBits(Math.pow(2, i / N)) - ((long) i << (52 - BITS));
        }
    }

    private Expf() {}

    static float of(float x) {
        if (Float.isNaN(x)) {
            return x;
        }
        if (x > OVERFLOW) {
            return Float.POSITIVE_INFINITY;
        }
        if (x < UNDERFLOW) {
            return 0f;
        }
        double z = INV_LN2_N * x;
        double kd = z + SHIFT;
        long ki = Double.doubleToRawLongBits(kd);
        kd -= SHIFT;
        double r = z - kd;
        long t = TABLE[(int) (ki & (TABLE.length - 1))] + (ki << (52 - BITS));
        double s = Double.longBitsToDouble(t);
        double p = C0 * r + C1;
        double y = C2 * r + 1;
        y = p * (r * r) + y;
        return (float) (y * s);
    }
}
