package org.tabserve.model.onnx.plain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Test;

/**
 * {@link FloatExp} against {@code (float) Math.exp} in double: within 2 ulps for every float argument sampled from -110
 * to 90 (every 257th float; every float near the overflow and underflow edges and where the reduced argument turns;
 * the first and last thousand of each binade near 0), exact where the answer is 1, infinity or 0, NaN for NaN.
 */
class FloatExpTest {

    /** The largest distance allowed, in ulps (adjacent floats of the same sign differ by 1 in their bits). */
    private static final int ULPS = 2;

    /** Arguments gathered and checked a run at a time, as the kernel calls it. */
    private final Runs runs = new Runs();

    @Test
    void everySampledArgumentIsWithinTwoUlpsOfMathExp() {
        int from = Float.floatToRawIntBits(-110f); // negative floats: larger bits are further from 0
        for (int bits = from; bits > Integer.MIN_VALUE + 256; bits -= 257) {
            runs.add(Float.intBitsToFloat(bits));
        }
        for (int bits = 0; bits <= Float.floatToRawIntBits(90f); bits += 257) {
            runs.add(Float.intBitsToFloat(bits));
        }
        runs.flush();
        assertTrue(runs.checked > 8_000_000, runs.checked + " arguments");
        assertTrue(runs.worst <= 1, runs.worst + " ulps at " + runs.worstAt); // measured: 1
    }

    @Test
    void nearZeroAndTheOverflowAndUnderflowEdgesEveryFloatIsWithinTwoUlps() {
        float half = (float) (Math.log(2) / 2); // where the reduced argument turns round
        float[][] ranges = {
            {88.5f, 88.8f}, {-104.2f, -86.5f}, {half - 1e-4f, half + 1e-4f}, {-half - 1e-4f, -half + 1e-4f}
        };
        for (float[] range : ranges) {
            for (float x = range[0]; x <= range[1]; x = Math.nextUp(x)) {
                runs.add(x);
            }
        }
        for (int exponent = -149; exponent < 0; exponent++) { // the first and last 1,000 floats of each binade near 0
            float power = (float) Math.scalb(1.0, exponent);
            float up = power;
            float down = power;
            for (int i = 0; i < 1_000; i++, up = Math.nextUp(up), down = Math.nextDown(down)) {
                runs.add(up);
                runs.add(-up);
                runs.add(down);
                runs.add(-down);
            }
        }
        runs.flush();
        assertTrue(runs.worst <= ULPS, runs.worst + " ulps at " + runs.worstAt);
    }

    @Test
    void theEdgesAreExact() {
        float[] x = {
            0f,
            -0f,
            Float.POSITIVE_INFINITY,
            88.8f,
            Float.MAX_VALUE,
            Float.NEGATIVE_INFINITY,
            -104f, // e^-104 is under half the smallest subnormal
            -Float.MAX_VALUE,
            -103.2f, // (float) Math.exp(-103.2) is the smallest subnormal
            88.7f, // the largest powers of two: 2^128 is no float, the answer is
            Float.NaN,
            Float.intBitsToFloat(0xffc00001)
        };
        float[] expected = {
            1f,
            1f,
            Float.POSITIVE_INFINITY,
            Float.POSITIVE_INFINITY,
            Float.POSITIVE_INFINITY,
            0f,
            0f,
            0f,
            Float.MIN_VALUE,
            (float) Math.exp(88.7f),
            Float.NaN,
            Float.NaN
        };
        float[] out = x.clone();
        FloatExp.exp(out, x.length, new float[x.length]);
        for (int i = 0; i < x.length; i++) {
            assertEquals(expected[i], out[i], "e^" + x[i]);
        }
        assertTrue(Float.isFinite(expected[9]) && expected[9] > 3e38f, "88.7 is finite: " + expected[9]);
    }

    /** Arguments in runs of up to 4,096, each run checked against Math.exp, the worst distance kept. */
    private static final class Runs {

        private final float[] x = new float[4_096];
        private final float[] scratch = new float[4_096];
        private int size;
        long checked;
        int worst;
        float worstAt;

        void add(float value) {
            x[size++] = value;
            if (size == x.length) {
                flush();
            }
        }

        void flush() {
            float[] arguments = java.util.Arrays.copyOf(x, size);
            FloatExp.exp(x, size, scratch);
            float[] out = x;
            for (int i = 0; i < size; i++) {
                int d = distance(arguments[i], out[i]);
                if (d > worst) {
                    worst = d;
                    worstAt = arguments[i];
                }
                if (d > ULPS) {
                    fail(d + " ulps at " + arguments[i] + ": " + out[i] + " against " + Math.exp(arguments[i]));
                }
            }
            checked += size;
            size = 0;
        }

        /** @return how many floats lie between the answer and Math.exp's rounded to float */
        private static int distance(float x, float actual) {
            float expected = (float) Math.exp(x);
            if (Float.isInfinite(expected) || expected == 0 || Float.isInfinite(actual) || actual == 0) {
                return expected == actual ? 0 : Integer.MAX_VALUE;
            }
            return Math.abs(Float.floatToRawIntBits(expected) - Float.floatToRawIntBits(actual));
        }
    }
}
