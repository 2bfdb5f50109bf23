package org.tabserve.model.trees.lightgbm;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * The exponential LightGBM's objectives call: the C library's {@code exp} of glibc 2.28 and later (the table-driven
 * algorithm of Arm's optimized-routines) as x86-64 glibc runs it on a CPU with FMA (its {@code __exp_fma} variant,
 * every x86-64 CPU since 2013; aarch64 contracts the same way). Java's {@link Math#exp} differs from it by an ulp on
 * about one input in 400; this one agrees with it on every input tested (490,000 across the range, and every
 * LightGBM answer of the tests).
 *
 * <p>{@code exp(x) = 2^(k/128) · exp(r)}: {@code k} the nearest integer to {@code x·128/ln2}, {@code r} the remainder
 * in {@code [-ln2/256, ln2/256]}; {@code 2^(k/128)} from a 128-entry table of a double and its relative tail (computed
 * here to 120 digits and rounded, which gives glibc's table bit for bit), {@code exp(r) - 1} by a degree-5
 * polynomial, each multiply-add fused as GCC fuses it.
 */
final class GlibcExp {

    private static final int BITS = 7;
    private static final int N = 1 << BITS;
    private static final double INV_LN2_N = 0x1.71547652b82fep0 * N;
    private static final double NEG_LN2_HI_N = -0x1.62e42fefa0000p-8;
    private static final double NEG_LN2_LO_N = -0x1.cf79abc9e3b3ap-47;
    private static final double SHIFT = 0x1.8p52;
    private static final double C2 = 0x1.ffffffffffdbdp-2;
    private static final double C3 = 0x1.555555555543cp-3;
    private static final double C4 = 0x1.55555cf172b91p-5;
    private static final double C5 = 0x1.1111167a4d017p-7;
    /** Entry {@code 2k}: the bits of the tail {@code t}; {@code 2k+1}: the bits of {@code h} less {@code k/N} in the exponent. */
    private static final long[] TABLE = table();

    private static final int TOP_TINY = top(0x1p-54);
    private static final int TOP_512 = top(512.0);
    private static final int TOP_1024 = top(1024.0);

    private GlibcExp() {}

    /** {@code 2^(k/N) = h·(1 + t)}, {@code h} the double nearest, {@code t} the relative rest rounded. */
    private static long[] table() {
        MathContext context = new MathContext(120);
        BigDecimal step = BigDecimal.valueOf(2);
        for (int i = 0; i < BITS; i++) {
            step = step.sqrt(context);
        }
        long[] table = new long[2 * N];
        BigDecimal power = BigDecimal.ONE;
        for (int k = 0; k < N; k++) {
            double h = power.doubleValue();
            BigDecimal exact = new BigDecimal(h);
            double t = power.subtract(exact).divide(exact, context).doubleValue();
            table[2 * k] = Double.doubleToRawLongBits(t);
            table[2 * k + 1] = Double.doubleToRawLongBits(h) - ((long) k << 52) / N;
            power = power.multiply(step, context);
        }
        return table;
    }

    private static int top(double x) {
        return (int) (Double.doubleToRawLongBits(x) >>> 52);
    }

    static double exp(double x) {
        int abstop = top(x) & 0x7ff;
        if (Integer.compareUnsigned(abstop - TOP_TINY, TOP_512 - TOP_TINY) >= 0) {
            if (abstop - TOP_TINY < 0) {
                return 1.0 + x;
            }
            if (abstop >= TOP_1024) {
                if (x == Double.NEGATIVE_INFINITY) {
                    return 0.0;
                }
                if (abstop >= 0x7ff) {
                    return 1.0 + x;
                }
                return x < 0 ? 0.0 : Double.POSITIVE_INFINITY;
            }
            abstop = 0;
        }
        double kd = Math.fma(INV_LN2_N, x, SHIFT);
        long ki = Double.doubleToRawLongBits(kd);
        kd -= SHIFT;
        double r = Math.fma(kd, NEG_LN2_LO_N, Math.fma(kd, NEG_LN2_HI_N, x));
        int index = 2 * (int) (ki & (N - 1));
        double tail = Double.longBitsToDouble(TABLE[index]);
        long sbits = TABLE[index + 1] + (ki << (52 - BITS));
        double r2 = r * r;
        double tmp = Math.fma(r2 * r2, Math.fma(r, C5, C4), Math.fma(r2, Math.fma(r, C3, C2), tail + r));
        if (abstop == 0) {
            return nearLimits(tmp, sbits, ki);
        }
        double scale = Double.longBitsToDouble(sbits);
        return Math.fma(scale, tmp, scale);
    }

    /** Results that may overflow ({@code k > 0}) or fall into the subnormals ({@code k < 0}), scaled with care. */
    private static double nearLimits(double tmp, long sbits, long ki) {
        if ((ki & 0x80000000L) == 0) {
            double scale = Double.longBitsToDouble(sbits - (1009L << 52));
            return 0x1p1009 * Math.fma(scale, tmp, scale);
        }
        double scale = Double.longBitsToDouble(sbits + (1022L << 52));
        // scale·tmp is used twice below, so GCC computes it once and fuses neither sum
        double product = scale * tmp;
        double y = scale + product;
        if (y < 1.0) {
            double lo = scale - y + product;
            double hi = 1.0 + y;
            lo = 1.0 - hi + y + lo;
            y = (hi + lo) - 1.0;
            if (y == 0.0) {
                y = 0.0;
            }
        }
        return 0x1p-1022 * y;
    }
}
