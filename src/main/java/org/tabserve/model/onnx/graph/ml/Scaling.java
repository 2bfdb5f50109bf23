package org.tabserve.model.onnx.graph.ml;

import org.tabserve.model.onnx.graph.NodeAttributes;
import org.tabserve.model.onnx.graph.OnnxFormatException;

/**
 * ai.onnx.ml Scaler as ONNX Runtime reads it ({@code scaler.cc}): each value less its column's offset, times its
 * column's scale, {@code (x - offset) · scale}; each list holds one value for every column or one per column.
 */
public final class Scaling {

    private final float[] offset;
    private final float[] scale;

    private Scaling(float[] offset, float[] scale) {
        this.offset = offset;
        this.scale = scale;
    }

    /**
     * @param a a Scaler node's attributes
     * @throws UnreadOperator when it has no offset or no scale (neither is defined then)
     */
    public static Scaling read(NodeAttributes a) throws UnreadOperator, OnnxFormatException {
        float[] offset = a.floats("offset");
        float[] scale = a.floats("scale");
        if (offset.length == 0 || scale.length == 0) {
            throw UnreadOperator.at(
                    a,
                    offset.length + " offsets and " + scale.length + " scales (one or one per column of each is read)");
        }
        return new Scaling(offset, scale);
    }

    /** @return the offsets, one for every column or one per column; the array itself, not a copy */
    public float[] offset() {
        return offset;
    }

    /** @return the scales, one for every column or one per column; the array itself, not a copy */
    public float[] scale() {
        return scale;
    }
}
