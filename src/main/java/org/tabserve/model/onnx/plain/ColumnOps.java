package org.tabserve.model.onnx.plain;

import org.tabserve.model.onnx.graph.ml.Imputation;
import org.tabserve.model.onnx.graph.ml.Normalization;
import org.tabserve.model.onnx.graph.ml.Scaling;

/**
 * The ai.onnx.ml operators that transform each row's numbers in place of the row, in float as ONNX Runtime's:
 * Scaler ({@code (x - offset) · scale}), Normalizer (by the row's largest value, L1 or L2 norm) and Imputer (a missing
 * value, NaN or the declared one, replaced by its column's value).
 */
final class ColumnOps {

    private ColumnOps() {}

    /** Scaler, whose values are at most {@code (x + |offset|) · |scale|} of inputs at most {@code x}. */
    static PlainOp scaler(Scaling scaling) {
        float[] offset = scaling.offset();
        float[] scale = scaling.scale();
        double largestOffset = largestMagnitude(offset);
        double largestScale = largestMagnitude(scale);
        return PlainOp.bounded(scaling(offset, scale), in -> (in[0] + largestOffset) * largestScale);
    }

    private static PlainOp scaling(float[] offset, float[] scale) {
        return inputs -> {
            PlainTensor x = inputs[0];
            int width = x.width();
            float[] in = x.asFloats();
            float[] out = new float[in.length];
            if ((offset.length != 1 && offset.length != width) || (scale.length != 1 && scale.length != width)) {
                throw new IllegalArgumentException(
                        "Scaler of " + offset.length + " offsets and " + scale.length + " scales for rows of " + width);
            }
            for (int i = 0; i < in.length; i++) {
                int c = i % width;
                out[i] = (in[i] - offset[offset.length == 1 ? 0 : c]) * scale[scale.length == 1 ? 0 : c];
            }
            return new PlainTensor[] {PlainTensor.floats(x.rows(), width, out)};
        };
    }

    /** @return the largest magnitude among {@code values}, 0 for none (NaN for a NaN: no bound) */
    private static double largestMagnitude(float[] values) {
        double largest = 0;
        for (float v : values) {
            largest = Math.max(largest, Math.abs(v));
        }
        return largest;
    }

    /**
     * As ONNX Runtime's Normalizer, operation for operation, so that the edges agree too: a row whose norm is 0 (all
     * zeros, or values whose squares underflow) is copied as it is, as scikit-learn's Normalizer leaves it; L2 divides
     * each square by the sum of squares, so a square that overflows float makes the row NaN, as there. L1 and L2 make
     * values of at most 1 in magnitude (a float sum of magnitudes, or of squares, is never below one of its terms);
     * MAX, which divides by the largest value and not by the largest magnitude, has no bound.
     */
    static PlainOp normalizer(Normalization norm) {
        return PlainOp.bounded(normalizing(norm), in -> norm == Normalization.MAX ? Double.POSITIVE_INFINITY : 1);
    }

    private static PlainOp normalizing(Normalization norm) {
        return inputs -> {
            PlainTensor x = inputs[0];
            int width = x.width();
            float[] in = x.asFloats();
            float[] out = new float[in.length];
            for (int r = 0; r < x.rows(); r++) {
                int at = r * width;
                switch (norm) {
                    case MAX -> divided(in, out, at, width, largest(in, at, width));
                    case L1 -> divided(in, out, at, width, absoluteSum(in, at, width));
                    case L2 -> l2(in, out, at, width);
                }
            }
            return new PlainTensor[] {PlainTensor.floats(x.rows(), width, out)};
        };
    }

    private static float largest(float[] in, int at, int width) {
        float by = -Float.MAX_VALUE;
        for (int c = 0; c < width; c++) {
            by = Math.max(by, in[at + c]);
        }
        return by;
    }

    private static float absoluteSum(float[] in, int at, int width) {
        float by = 0;
        for (int c = 0; c < width; c++) {
            by += Math.abs(in[at + c]);
        }
        return by;
    }

    /** Each value divided by {@code by}, or copied when {@code by} is 0. */
    private static void divided(float[] in, float[] out, int at, int width, float by) {
        for (int c = 0; c < width; c++) {
            out[at + c] = by != 0f ? in[at + c] / by : in[at + c];
        }
    }

    /** {@code ±sqrt(x² / Σx²)} in float, each value's sign kept; the row copied when {@code Σx²} is 0. */
    private static void l2(float[] in, float[] out, int at, int width) {
        float sum = 0;
        for (int c = 0; c < width; c++) {
            sum += in[at + c] * in[at + c];
        }
        for (int c = 0; c < width; c++) {
            float v = in[at + c];
            float root = (float) Math.sqrt(v * v / sum);
            out[at + c] = sum == 0f ? v : v < 0 ? -root : root;
        }
    }

    /** Imputer, whose values are at most its inputs' or its imputed values' largest. */
    static PlainOp imputer(Imputation imputation) {
        float[] imputed = imputation.values();
        float replaced = imputation.replaced();
        double largestImputed = largestMagnitude(imputed);
        return PlainOp.bounded(imputing(imputed, replaced), in -> Math.max(in[0], largestImputed));
    }

    private static PlainOp imputing(float[] imputed, float replaced) {
        return inputs -> {
            PlainTensor x = inputs[0];
            if (x.type() != PlainTensor.Type.FLOAT) {
                throw new IllegalArgumentException("Imputer of floats given " + x.type());
            }
            int width = x.width();
            if (imputed.length != 1 && imputed.length != width) {
                throw new IllegalArgumentException("Imputer of " + imputed.length + " values for rows of " + width);
            }
            float[] in = x.floats();
            float[] out = new float[in.length];
            for (int i = 0; i < in.length; i++) {
                boolean missing = Float.isNaN(replaced) ? Float.isNaN(in[i]) : in[i] == replaced;
                out[i] = missing ? imputed[imputed.length == 1 ? 0 : i % width] : in[i];
            }
            return new PlainTensor[] {PlainTensor.floats(x.rows(), width, out)};
        };
    }
}
