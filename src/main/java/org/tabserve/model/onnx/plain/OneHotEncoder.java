package org.tabserve.model.onnx.plain;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tabserve.model.onnx.graph.ml.OneHotEncoding;

/**
 * ai.onnx.ml OneHotEncoder of one column, as skl2onnx exports each text or integer column of a pipeline: a
 * {@code [rows, 1]} (or {@code [rows]}) tensor of categories becomes {@code [rows, 1, categories]} floats, 1 at the
 * row's category; a value outside the categories is all zeros (with {@code zeros = 1}, as scikit-learn's
 * {@code handle_unknown='ignore'}), and refused otherwise, as ONNX Runtime refuses it.
 */
final class OneHotEncoder implements PlainOp {

    private final Map<String, Integer> strings = new HashMap<>();
    private final Map<Long, Integer> integers = new HashMap<>();
    private final int categories;
    private final boolean zeros;

    OneHotEncoder(OneHotEncoding encoding) {
        List<String> texts = encoding.strings();
        long[] ints = encoding.integers();
        for (int i = 0; i < texts.size(); i++) {
            strings.putIfAbsent(texts.get(i), i);
        }
        for (int i = 0; i < ints.length; i++) {
            integers.putIfAbsent(ints[i], i);
        }
        categories = encoding.size();
        zeros = encoding.zeros();
    }

    @Override
    public PlainTensor[] apply(PlainTensor[] inputs) {
        PlainTensor x = inputs[0];
        if (x.width() != 1 || x.rank() == 3) {
            throw new IllegalArgumentException("OneHotEncoder of one column given " + x);
        }
        int rows = x.rows();
        float[] out = new float[rows * categories];
        for (int r = 0; r < rows; r++) {
            Integer at = switch (x.type()) {
                case STRING -> strings.get(x.strings()[r]);
                case INT64 -> integers.get(x.longs()[r]);
                default -> throw new IllegalArgumentException("OneHotEncoder of " + x.type());
            };
            if (at != null) {
                out[r * categories + at] = 1;
            } else if (!zeros) {
                throw new IllegalArgumentException("a category OneHotEncoder does not know");
            }
        }
        return new PlainTensor[] {PlainTensor.floats(rows, categories, out).withRank(3)};
    }

    /** Ones and zeros, whatever it is given. */
    @Override
    public double bound(double[] inputs) {
        return 1;
    }
}
