package org.tabserve.model.onnx.plain;

import org.tabserve.model.onnx.graph.NodeAttributes;
import org.tabserve.model.onnx.graph.OnnxFormatException;

/**
 * The ai.onnx.ml operators that transform each row's numbers in place of the row, in float as ONNX Runtime's:
 * Scaler ({@code (x - offset) · scale}), Normalizer (by the row's largest value, L1 or L2 norm) and Imputer (a missing
 * value, NaN or the declared one, replaced by its column's value).
 */
final class ColumnOps {

    private ColumnOps() {
    }

    static PlainOp scaler(NodeAttributes a) throws Unsupported, OnnxFormatException {
        float[] offset = a.floats("offset");
        float[] scale = a.floats("scale");
        return inputs -> {
            PlainTensor x = inputs[0];
            int width = x.width();
            float[] in = x.asFloats();
            float[] out = new float[in.length];
            if ((offset.length != 1 && offset.length != width) || (scale.length != 1 && scale.length != width)) {
                throw new IllegalArgumentException("Scaler of " + offset.length + " offsets and " + scale.length
                        + " scales for rows of " + width);
            }
            for (int i = 0; i < in.length; i++) {
                int c = i % width;
                out[i] = (in[i] - offset[offset.length == 1 ? 0 : c]) * scale[scale.length == 1 ? 0 : c];
            }
            return new PlainTensor[] {PlainTensor.floats(x.rows(), width, out)};
        };
    }

    static PlainOp normalizer(NodeAttributes a) throws Unsupported {
        String norm = a.text("norm", "MAX");
        if (!norm.equals("MAX") && !norm.equals("L1") && !norm.equals("L2")) {
            throw Unsupported.at(a, "norm " + norm);
        }
        return inputs -> {
            PlainTensor x = inputs[0];
            int width = x.width();
            float[] in = x.asFloats();
            float[] out = new float[in.length];
            for (int r = 0; r < x.rows(); r++) {
                int at = r * width;
                float by = 0;
                if (norm.equals("MAX")) {
                    by = -Float.MAX_VALUE;
                    for (int c = 0; c < width; c++) {
                        by = Math.max(by, in[at + c]);
                    }
                } else {
                    for (int c = 0; c < width; c++) {
                        by += norm.equals("L1") ? Math.abs(in[at + c]) : in[at + c] * in[at + c];
                    }
                    if (norm.equals("L2")) {
                        by = (float) Math.sqrt(by);
                    }
                }
                for (int c = 0; c < width; c++) {
                    out[at + c] = in[at + c] / by;
                }
            }
            return new PlainTensor[] {PlainTensor.floats(x.rows(), width, out)};
        };
    }

    static PlainOp imputer(NodeAttributes a) throws Unsupported, OnnxFormatException {
        float[] imputed = a.floats("imputed_value_floats");
        float replaced = a.real("replaced_value_float", 0f);
        if (imputed.length == 0) {
            throw Unsupported.at(a, "no imputed_value_floats (integer imputation is not run in plain Java)");
        }
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
