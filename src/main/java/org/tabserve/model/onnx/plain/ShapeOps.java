package org.tabserve.model.onnx.plain;

import org.tabserve.model.onnx.graph.ElementType;
import org.tabserve.model.onnx.graph.NodeAttributes;

/**
 * The standard operators that move values without computing on them, as exporters place them between a model's
 * input and its estimator: Identity, Gather of fixed columns, Concat of columns, Reshape to rows of a fixed width, and
 * Cast to float or double (or int64 to int64).
 */
final class ShapeOps {

    private ShapeOps() {}

    static PlainOp identity() {
        return inputs -> new PlainTensor[] {inputs[0]};
    }

    /** Gather along the columns (axis 1) of indices fixed at compile time. */
    static PlainOp gather(NodeAttributes a, long[] indices) throws Unsupported {
        if (a.integer("axis", 0) != 1) {
            throw Unsupported.at(a, "axis " + a.integer("axis", 0) + " (columns, axis 1, are run in plain Java)");
        }
        return columns(indices);
    }

    /** ai.onnx.ml ArrayFeatureExtractor of indices fixed at compile time: the columns of a {@code [rows, width]}. */
    static PlainOp arrayFeatureExtractor(long[] indices) {
        return columns(indices);
    }

    /** The columns at {@code indices} (negative ones from the end) of a {@code [rows, width]} tensor. */
    private static PlainOp columns(long[] indices) {
        return inputs -> {
            PlainTensor x = inputs[0];
            if (x.rank() != 2) {
                throw new IllegalArgumentException("columns of " + x);
            }
            int width = x.width();
            int[] columns = new int[indices.length];
            for (int i = 0; i < columns.length; i++) {
                long c = indices[i] < 0 ? indices[i] + width : indices[i];
                if (c < 0 || c >= width) {
                    throw new IllegalArgumentException("Gather index " + indices[i] + " out of " + width + " columns");
                }
                columns[i] = (int) c;
            }
            int rows = x.rows();
            int k = columns.length;
            return new PlainTensor[] {
                switch (x.type()) {
                    case FLOAT -> {
                        float[] in = x.floats();
                        float[] out = new float[rows * k];
                        for (int r = 0; r < rows; r++) {
                            for (int i = 0; i < k; i++) {
                                out[r * k + i] = in[r * width + columns[i]];
                            }
                        }
                        yield PlainTensor.floats(rows, k, out);
                    }
                    case DOUBLE -> {
                        double[] in = x.doubles();
                        double[] out = new double[rows * k];
                        for (int r = 0; r < rows; r++) {
                            for (int i = 0; i < k; i++) {
                                out[r * k + i] = in[r * width + columns[i]];
                            }
                        }
                        yield PlainTensor.doubles(rows, k, out);
                    }
                    case INT64 -> {
                        long[] in = x.longs();
                        long[] out = new long[rows * k];
                        for (int r = 0; r < rows; r++) {
                            for (int i = 0; i < k; i++) {
                                out[r * k + i] = in[r * width + columns[i]];
                            }
                        }
                        yield PlainTensor.longs(rows, k, out);
                    }
                    case STRING -> {
                        String[] in = x.strings();
                        String[] out = new String[rows * k];
                        for (int r = 0; r < rows; r++) {
                            for (int i = 0; i < k; i++) {
                                out[r * k + i] = in[r * width + columns[i]];
                            }
                        }
                        yield PlainTensor.strings(rows, k, out);
                    }
                }
            };
        };
    }

    /**
     * Concat of float columns: along axis 1 of {@code [rows, width]} tensors, or axis 2 of {@code [rows, 1, width]}
     * ones (what a OneHotEncoder makes of one column), or -1 of either.
     */
    static PlainOp concat(NodeAttributes a) throws Unsupported {
        long axis = a.integer("axis", 0);
        if (axis != 1 && axis != 2 && axis != -1) {
            throw Unsupported.at(a, "axis " + axis + " (the last axis is run in plain Java)");
        }
        return inputs -> {
            int rows = inputs[0].rows();
            int rank = inputs[0].rank();
            int width = 0;
            for (PlainTensor x : inputs) {
                if (x.rows() != rows
                        || x.type() != PlainTensor.Type.FLOAT
                        || x.rank() != rank
                        || rank == 1
                        || (axis != -1 && axis != rank - 1)) {
                    throw new IllegalArgumentException(
                            "Concat on axis " + axis + " of " + x + " beside " + rows + " float rows of rank " + rank);
                }
                width += x.width();
            }
            float[] out = new float[rows * width];
            int at = 0;
            for (PlainTensor x : inputs) {
                float[] in = x.floats();
                for (int r = 0; r < rows; r++) {
                    System.arraycopy(in, r * x.width(), out, r * width + at, x.width());
                }
                at += x.width();
            }
            return new PlainTensor[] {PlainTensor.floats(rows, width, out).withRank(rank)};
        };
    }

    /** Reshape to {@code [-1, k]} (or {@code [0, k]}, or {@code [rows, k]}) by a shape fixed at compile time. */
    static PlainOp reshape(NodeAttributes a, long[] shape) throws Unsupported {
        if (shape.length != 2 || shape[1] <= 0 || (shape[0] != -1 && shape[0] != 0 && shape[0] <= 0)) {
            throw Unsupported.at(
                    a,
                    "shape " + java.util.Arrays.toString(shape) + " (rows of a fixed width, [-1, k], are"
                            + " run in plain Java)");
        }
        int width = Math.toIntExact(shape[1]);
        return inputs -> {
            PlainTensor x = inputs[0];
            long total = (long) x.rows() * x.width();
            if (total % width != 0 || (shape[0] == 0 && x.rows() * (long) width != total)) {
                throw new IllegalArgumentException("Reshape of " + x + " to rows of " + width);
            }
            return new PlainTensor[] {x.reshaped((int) (total / width), width)};
        };
    }

    /**
     * Cast to float or double, or to int64 of what is int64 already: skl2onnx casts a classifier's int64 label, and an
     * int64 column it picks, to int64 (a no-op). A cast of floats to int64 (whose NaN and overflow ONNX leaves
     * undefined) fails at run time, so the load check keeps such a model on ONNX Runtime.
     */
    static PlainOp cast(NodeAttributes a) throws Unsupported {
        ElementType to = ElementType.of(a.integer("to", 0));
        if (to == ElementType.INT64) {
            return inputs -> {
                if (inputs[0].type() != PlainTensor.Type.INT64) {
                    throw new IllegalArgumentException(
                            "Cast of " + inputs[0].type() + " to INT64 (only int64 to int64 is run in plain Java)");
                }
                return new PlainTensor[] {inputs[0]};
            };
        }
        if (to != ElementType.FLOAT && to != ElementType.DOUBLE) {
            throw Unsupported.at(a, "to " + to + " (float, double, and int64 from int64 are run in plain Java)");
        }
        return inputs -> {
            PlainTensor x = inputs[0];
            if (x.type() == PlainTensor.Type.STRING) {
                throw new IllegalArgumentException("Cast of strings");
            }
            if (to == ElementType.FLOAT) {
                return new PlainTensor[] {
                    PlainTensor.floats(x.rows(), x.width(), x.asFloats()).withRank(x.rank())
                };
            }
            double[] out = new double[x.rows() * x.width()];
            switch (x.type()) {
                case FLOAT -> {
                    float[] in = x.floats();
                    for (int i = 0; i < out.length; i++) {
                        out[i] = in[i];
                    }
                }
                case INT64 -> {
                    long[] in = x.longs();
                    for (int i = 0; i < out.length; i++) {
                        out[i] = in[i];
                    }
                }
                default -> System.arraycopy(x.doubles(), 0, out, 0, out.length);
            }
            return new PlainTensor[] {
                PlainTensor.doubles(x.rows(), x.width(), out).withRank(x.rank())
            };
        };
    }
}
