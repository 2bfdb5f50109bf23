package org.tabserve.model.onnx.plain;

/**
 * e<sup>x</sup> in float for a run of values, within 2 ulps of {@code (float) Math.exp(x)} over the whole float range
 * (1 ulp measured): Cephes' {@code expf} (range reduction by n·ln 2 in two parts, a degree-6 polynomial on |r| ≤ ln 2 /
 * 2), n rounded by the 1.5·2<sup>23</sup> trick, and 2<sup>n</sup> built from n's bits (where 2<sup>n</sup> is no
 * normal float, in two factors, so that a result below the smallest normal float rounds once into the subnormals and
 * then to 0, and one near the largest overflows only where the exact value does). What the SVM's RBF kernel takes, once per row and support vector, where
 * {@code Math.exp} in double was most of its cost.
 *
 * <p>In two passes, because of what Java 17's compiler vectorizes: the first, everything but 2<sup>n</sup>, is float
 * arithmetic with {@code Math.min} and {@code Math.max} alone, which C2 turns into SIMD over the run; the second,
 * 2<sup>n</sup> from n's bits and the product, is scalar ({@code Float.floatToRawIntBits} is not vectorized), its one
 * branch taken only at the ends of the range. (More {@code Math.min}/{@code max} in the first pass, to split 2<sup>n</sup>
 * there, made its loop too large for C2 to unroll and vectorize: 16 times slower, measured.)
 */
final class FloatExp {

    /** Above it the result overflows to infinity; clamped there, it still does. */
    private static final float HIGH = 89f;

    /** Below it the result rounds to 0 (e^-105 is under half the smallest subnormal); clamped there, it still does. */
    private static final float LOW = -105f;

    private static final float LOG2E = 1.44269504088896341f;

    /** 1.5·2<sup>23</sup>: adding it rounds a float of magnitude below 2<sup>22</sup> to an integer, in its low bits. */
    private static final float ROUND = 12582912f;

    /** ln 2 in two parts (Cephes' C1, C2): C1 has few bits, so n·C1 is exact for every n reached. */
    private static final float LN2_HIGH = 0.693359375f;

    private static final float LN2_LOW = -2.12194440e-4f;

    /** 127 in a float's exponent field: 2<sup>m</sup>'s bits are {@code (m << 23) + BIAS}. */
    private static final int BIAS = 127 << 23;

    /** With it added, the exponent of a normal float's power of two, n from -126 to 127, is 0 to {@link #NORMAL_SPAN}. */
    private static final int NORMAL_FROM = 126 << 23;

    private static final int NORMAL_SPAN = 253 << 23;

    private FloatExp() {}

    /**
     * e<sup>x</sup> of {@code x[0..count)}: 1 at 0, infinity above about 88.72, 0 below about -103.97 (through the
     * subnormals), NaN for NaN.
     *
     * @param x      the arguments; each replaced by its e<sup>x</sup>
     * @param powers at least {@code count} floats of scratch
     */
    static void exp(float[] x, int count, float[] powers) {
        for (int i = 0; i < count; i++) {
            float v = Math.max(Math.min(x[i], HIGH), LOW); // NaN stays NaN
            float shifted = v * LOG2E + ROUND; // v / ln 2 rounded to the nearest integer n, in the low bits
            float n = shifted - ROUND; // -151 to 128
            float r = v - n * LN2_HIGH;
            r = r - n * LN2_LOW;
            float p = 1.9875691500e-4f * r + 1.3981999507e-3f;
            p = p * r + 8.3334519073e-3f;
            p = p * r + 4.1665795894e-2f;
            p = p * r + 1.6666665459e-1f;
            p = p * r + 5.0000001201e-1f;
            x[i] = p * (r * r) + r + 1f;
            powers[i] = shifted;
        }
        for (int i = 0; i < count; i++) {
            // shifted's bits are ROUND's plus n: shifted by 23, ROUND's leave and n's become an exponent's
            int exponent = Float.floatToRawIntBits(powers[i]) << 23;
            float y = x[i];
            if ((exponent + NORMAL_FROM ^ Integer.MIN_VALUE) <= (NORMAL_SPAN ^ Integer.MIN_VALUE)) { // unsigned
                y = y * Float.intBitsToFloat(exponent + BIAS);
            } else { // 2^n is no normal float: n below -126 (a subnormal answer or 0) or 128 (near the largest)
                int n = exponent >> 23;
                int half = n >> 1;
                y = y * Float.intBitsToFloat((half + 127) << 23) * Float.intBitsToFloat((n - half + 127) << 23);
            }
            x[i] = y;
        }
    }
}
