package org.tabserve.model;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns rows of a {@link Batch} into one ONNX Runtime tensor per model input, each of its own type: float, double,
 * int64, int32, string or bool, shaped {@code [N]} or {@code [N, F]} as the input is. A slice shorter than a fixed
 * batch is padded by repeating its last row, whose answers the caller drops: a real row, so that no encoder sees a
 * value it would refuse.
 */
final class InputBinder {

    /** 64 KiB per thread: a 4,096-row CSV chunk of four float features. */
    private static final int REUSED_BUFFER_FLOATS = 16_384;
    private static final ThreadLocal<FloatBuffer> INPUT_BUFFER = new ThreadLocal<>();

    private final OrtEnvironment env;
    private final ModelSignature signature;

    InputBinder(OrtEnvironment env, ModelSignature signature) {
        this.env = env;
        this.signature = signature;
    }

    /**
     * The tensors for rows {@code [from, from + count)} of {@code batch}, padded to {@code padTo} rows. The caller
     * closes them (a float tensor may wrap this thread's reused buffer, so close it before the next bind).
     */
    Map<String, OnnxTensor> bind(Batch batch, int from, int count, int padTo) throws OrtException {
        Map<String, OnnxTensor> tensors = new LinkedHashMap<>();
        try {
            for (int i = 0; i < signature.inputs().size(); i++) {
                ModelInput input = signature.inputs().get(i);
                tensors.put(input.name(), tensor(input, batch.data(i), from, count, Math.max(count, padTo)));
            }
            return tensors;
        } catch (OrtException | RuntimeException e) {
            tensors.values().forEach(OnnxTensor::close);
            throw e;
        }
    }

    private OnnxTensor tensor(ModelInput input, Object data, int from, int count, int rows) throws OrtException {
        int width = input.width();
        long[] shape = input.rank() == 1 ? new long[]{rows} : new long[]{rows, width};
        int n = rows * width;
        switch (input.type()) {
            case FLOAT -> {
                FloatBuffer buffer = floatBuffer(n);
                float[] values = (float[]) data;
                buffer.put(values, from * width, count * width);
                pad(count, rows, width, () -> buffer.put(values, (from + count - 1) * width, width));
                buffer.flip();
                return OnnxTensor.createTensor(env, buffer, shape);
            }
            case DOUBLE -> {
                double[] values = (double[]) data;
                java.nio.DoubleBuffer buffer = ByteBuffer.allocateDirect(n * Double.BYTES).order(ByteOrder.nativeOrder())
                        .asDoubleBuffer();
                buffer.put(values, from * width, count * width);
                pad(count, rows, width, () -> buffer.put(values, (from + count - 1) * width, width));
                buffer.flip();
                return OnnxTensor.createTensor(env, buffer, shape);
            }
            case INT64 -> {
                long[] values = (long[]) data;
                java.nio.LongBuffer buffer = ByteBuffer.allocateDirect(n * Long.BYTES).order(ByteOrder.nativeOrder())
                        .asLongBuffer();
                buffer.put(values, from * width, count * width);
                pad(count, rows, width, () -> buffer.put(values, (from + count - 1) * width, width));
                buffer.flip();
                return OnnxTensor.createTensor(env, buffer, shape);
            }
            case INT32 -> {
                int[] values = (int[]) data;
                java.nio.IntBuffer buffer = ByteBuffer.allocateDirect(n * Integer.BYTES).order(ByteOrder.nativeOrder())
                        .asIntBuffer();
                buffer.put(values, from * width, count * width);
                pad(count, rows, width, () -> buffer.put(values, (from + count - 1) * width, width));
                buffer.flip();
                return OnnxTensor.createTensor(env, buffer, shape);
            }
            case STRING -> {
                String[] values = (String[]) data;
                String[] slice = new String[n];
                System.arraycopy(values, from * width, slice, 0, count * width);
                for (int r = count; r < rows; r++) {
                    System.arraycopy(values, (from + count - 1) * width, slice, r * width, width);
                }
                return OnnxTensor.createTensor(env, slice, shape);
            }
            case BOOL -> {
                boolean[] values = (boolean[]) data;
                ByteBuffer buffer = ByteBuffer.allocateDirect(n).order(ByteOrder.nativeOrder());
                for (int r = 0; r < rows; r++) {
                    int row = from + Math.min(r, count - 1);
                    for (int c = 0; c < width; c++) {
                        buffer.put((byte) (values[row * width + c] ? 1 : 0));
                    }
                }
                buffer.flip();
                return OnnxTensor.createTensor(env, buffer, shape, OnnxJavaType.BOOL);
            }
            default -> throw new IllegalStateException("unhandled type " + input.type());
        }
    }

    private static void pad(int count, int rows, int width, Runnable repeatLastRow) {
        for (int r = count; r < rows; r++) {
            repeatLastRow.run();
        }
    }

    /**
     * A direct buffer for {@code floats} input values. ORT reads a direct buffer in place, so allocating one per run
     * (zeroed, registered with a cleaner, freed only by a later GC) was a cost on every request and let native memory
     * pile up between collections. Each thread keeps one buffer of up to {@link #REUSED_BUFFER_FLOATS} floats: the
     * tensor that wraps it is closed before the run returns, so the next run on the same thread may overwrite it.
     * The thread-local holds only a JDK buffer, so a web app's class loader is never pinned by it. Only a model of one
     * input reuses it: with several, each float input needs a buffer of its own at the same time.
     */
    private FloatBuffer floatBuffer(int floats) {
        if (floats > REUSED_BUFFER_FLOATS || signature.inputs().size() > 1) {
            return ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        }
        FloatBuffer buffer = INPUT_BUFFER.get();
        if (buffer == null || buffer.capacity() < floats) {
            int capacity = Math.min(REUSED_BUFFER_FLOATS, Math.max(floats, 256));
            buffer = ByteBuffer.allocateDirect(capacity * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
            INPUT_BUFFER.set(buffer);
        }
        buffer.clear();
        buffer.limit(floats);
        return buffer;
    }
}
