package org.tabserve.model.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxMap;
import ai.onnxruntime.OnnxSequence;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tabserve.model.onnx.plain.PlainTensor;

/**
 * What one run of a model's graph returned, by output name, whichever engine ran it (ONNX Runtime's result, or the
 * plain-Java graph's values), so that one {@link OutputDecoder} turns either into predictions.
 */
interface RunOutputs {

    /** @return the output's shape, the batch first */
    long[] shape(String name) throws OrtException;

    /** @return whether the output holds doubles rather than floats */
    boolean isDouble(String name) throws OrtException;

    /** @return a float output's values, in row order */
    float[] floats(String name) throws OrtException;

    /** @return a double output's values, in row order */
    double[] doubles(String name) throws OrtException;

    /** @return an int64 output's values, one per row */
    long[] longs(String name) throws OrtException;

    /** @return a string output's values, one per row */
    String[] strings(String name, int rows) throws OrtException;

    /** @return a ZipMap's maps, one per row (only ONNX Runtime returns maps: plain Java reads the ZipMap's tensor) */
    List<Map<?, ?>> maps(String name, int rows) throws OrtException;

    /** ONNX Runtime's result, read tensor by tensor. */
    static RunOutputs of(OrtSession.Result result) {
        return new RunOutputs() {
            private OnnxTensor tensor(String name) {
                return (OnnxTensor) result.get(name).orElseThrow();
            }

            @Override
            public long[] shape(String name) {
                return tensor(name).getInfo().getShape();
            }

            @Override
            public boolean isDouble(String name) {
                return tensor(name).getInfo().type == OnnxJavaType.DOUBLE;
            }

            @Override
            public float[] floats(String name) {
                java.nio.FloatBuffer buffer = tensor(name).getFloatBuffer();
                float[] values = new float[buffer.remaining()];
                buffer.get(values);
                return values;
            }

            @Override
            public double[] doubles(String name) {
                java.nio.DoubleBuffer buffer = tensor(name).getDoubleBuffer();
                double[] values = new double[buffer.remaining()];
                buffer.get(values);
                return values;
            }

            @Override
            public long[] longs(String name) {
                java.nio.LongBuffer buffer = tensor(name).getLongBuffer();
                long[] values = new long[buffer.remaining()];
                buffer.get(values);
                return values;
            }

            @Override
            public String[] strings(String name, int rows) throws OrtException {
                Object value = tensor(name).getValue();
                String[] labels = new String[rows];
                for (int r = 0; r < rows; r++) {
                    labels[r] = value instanceof String[][] nested ? nested[r][0] : ((String[]) value)[r];
                }
                return labels;
            }

            @Override
            public List<Map<?, ?>> maps(String name, int rows) throws OrtException {
                // Each map getValue() hands out is a native copy of its row that the sequence does not own: closed
                // here, or ONNX Runtime's memory grows by one map per row served until the process ends.
                List<? extends OnnxValue> maps =
                        ((OnnxSequence) result.get(name).orElseThrow()).getValue();
                try {
                    List<Map<?, ?>> read = new ArrayList<>(rows);
                    for (int r = 0; r < rows; r++) {
                        read.add(((OnnxMap) maps.get(r)).getValue());
                    }
                    return read;
                } finally {
                    maps.forEach(OnnxValue::close);
                }
            }
        };
    }

    /** The plain-Java graph's values. */
    static RunOutputs of(Map<String, PlainTensor> values) {
        return new RunOutputs() {
            private PlainTensor tensor(String name) {
                PlainTensor tensor = values.get(name);
                if (tensor == null) {
                    throw new IllegalStateException("the plain graph made no '" + name + "'");
                }
                return tensor;
            }

            @Override
            public long[] shape(String name) {
                PlainTensor tensor = tensor(name);
                return tensor.rank1() ? new long[] {tensor.rows()} : new long[] {tensor.rows(), tensor.width()};
            }

            @Override
            public boolean isDouble(String name) {
                return tensor(name).type() == PlainTensor.Type.DOUBLE;
            }

            @Override
            public float[] floats(String name) {
                return tensor(name).floats();
            }

            @Override
            public double[] doubles(String name) {
                return tensor(name).doubles();
            }

            @Override
            public long[] longs(String name) {
                return tensor(name).longs();
            }

            @Override
            public String[] strings(String name, int rows) {
                return tensor(name).strings();
            }

            @Override
            public List<Map<?, ?>> maps(String name, int rows) {
                throw new IllegalStateException("a plain graph returns no maps");
            }
        };
    }
}
