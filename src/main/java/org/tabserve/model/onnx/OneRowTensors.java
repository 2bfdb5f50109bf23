package org.tabserve.model.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.tabserve.model.signature.ModelInput;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.model.signature.ValueType;

/**
 * One-row tensors for a model's number and bool inputs, each over its own direct buffer that a single-row bind writes
 * its values into (ORT reads it in place): {@link InputBinder} pools sets of them, so that a single row costs no
 * tensor made through JNI per input per call.
 */
final class OneRowTensors {
    private final ByteBuffer[] buffers;
    private final OnnxTensor[] tensors;

    private OneRowTensors(ByteBuffer[] buffers, OnnxTensor[] tensors) {
        this.buffers = buffers;
        this.tensors = tensors;
    }

    static OneRowTensors make(OrtEnvironment env, ModelSignature signature) throws OrtException {
        int n = signature.inputs().size();
        OneRowTensors oneRow = new OneRowTensors(new ByteBuffer[n], new OnnxTensor[n]);
        try {
            for (int i = 0; i < n; i++) {
                ModelInput input = signature.inputs().get(i);
                if (input.type() == ValueType.STRING) {
                    continue;
                }
                int width = input.width();
                long[] shape = input.rank() == 1 ? new long[] {1} : new long[] {1, width};
                ByteBuffer buffer = ByteBuffer.allocateDirect(Math.max(8, InputArena.bytes(input, 1)))
                        .order(ByteOrder.nativeOrder());
                oneRow.buffers[i] = buffer;
                oneRow.tensors[i] = switch (input.type()) {
                    case FLOAT ->
                        OnnxTensor.createTensor(env, buffer.asFloatBuffer().limit(width), shape);
                    case DOUBLE ->
                        OnnxTensor.createTensor(env, buffer.asDoubleBuffer().limit(width), shape);
                    case INT64 ->
                        OnnxTensor.createTensor(env, buffer.asLongBuffer().limit(width), shape);
                    case INT32 ->
                        OnnxTensor.createTensor(env, buffer.asIntBuffer().limit(width), shape);
                    case BOOL -> OnnxTensor.createTensor(env, buffer.slice(0, width), shape, OnnxJavaType.BOOL);
                    case STRING -> throw new IllegalStateException("text inputs are not kept");
                };
            }
            return oneRow;
        } catch (OrtException | RuntimeException e) {
            oneRow.close();
            throw e;
        }
    }

    /** Writes row {@code row} of input {@code i} into its buffer (ORT reads it in place) and returns its tensor. */
    OnnxTensor write(int i, ModelInput input, Object data, int row) {
        ByteBuffer buffer = buffers[i];
        int width = input.width();
        int at = row * width;
        for (int c = 0; c < width; c++) {
            switch (input.type()) {
                case FLOAT -> buffer.putFloat(c * Float.BYTES, ((float[]) data)[at + c]);
                case DOUBLE -> buffer.putDouble(c * Double.BYTES, ((double[]) data)[at + c]);
                case INT64 -> buffer.putLong(c * Long.BYTES, ((long[]) data)[at + c]);
                case INT32 -> buffer.putInt(c * Integer.BYTES, ((int[]) data)[at + c]);
                case BOOL -> buffer.put(c, (byte) (((boolean[]) data)[at + c] ? 1 : 0));
                case STRING -> throw new IllegalStateException("text inputs are not kept");
            }
        }
        return tensors[i];
    }

    void close() {
        for (OnnxTensor tensor : tensors) {
            if (tensor != null) {
                tensor.close();
            }
        }
    }
}
