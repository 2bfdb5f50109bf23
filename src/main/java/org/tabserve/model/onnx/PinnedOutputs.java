package org.tabserve.model.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Output tensors for one-row runs, made once and handed to ONNX Runtime to write into ("pinned outputs"), so that a
 * single-row call does not pay for the output tensors ORT's Java API otherwise makes and describes per run and per
 * output through JNI (≈ 2 µs each for the penguins classifier's label and probabilities: its run fell from ≈ 12
 * to ≈ 8 µs of CPU). A set of them is taken by one run at a time (ORT writes into them) and given back after its
 * answers are read; the sets live in a small pool per model, not in thread-locals, so closing the model frees them
 * all and no thread keeps this web app's classes.
 */
final class PinnedOutputs implements AutoCloseable {

    /** Sets kept for reuse: enough for every request thread of a busy server; more are made and closed as needed. */
    private static final int POOLED = 64;

    private final OrtEnvironment env;
    private final List<String> names;
    private final List<TensorInfo> infos;
    private final NativePool<Map<String, OnnxTensor>> pool;

    private PinnedOutputs(OrtEnvironment env, List<String> names, List<TensorInfo> infos) {
        this.env = env;
        this.names = names;
        this.infos = infos;
        this.pool =
                new NativePool<>(POOLED, this::make, outputs -> outputs.values().forEach(OnnxTensor::close));
    }

    /**
     * Pinned outputs for {@code served}, or null when one of them cannot be pinned: not a tensor, not of a number
     * or string type, or of a shape not known for one row (a free dimension besides the first).
     */
    static PinnedOutputs of(OrtEnvironment env, Map<String, NodeInfo> outputInfo, Set<String> served) {
        List<String> names = new ArrayList<>();
        List<TensorInfo> infos = new ArrayList<>();
        for (String name : served) {
            NodeInfo node = outputInfo.get(name);
            if (node == null || !(node.getInfo() instanceof TensorInfo info) || !pinnable(info)) {
                return null;
            }
            names.add(name);
            infos.add(info);
        }
        return names.isEmpty() ? null : new PinnedOutputs(env, List.copyOf(names), List.copyOf(infos));
    }

    private static boolean pinnable(TensorInfo info) {
        long[] shape = info.getShape();
        if (shape.length == 0 || shape[0] > 1) {
            return false;
        }
        for (int i = 1; i < shape.length; i++) {
            if (shape[i] < 1) {
                return false;
            }
        }
        return switch (info.type) {
            case FLOAT, DOUBLE, INT64, INT32, STRING -> true;
            default -> false;
        };
    }

    /** A set of one-row output tensors for one run, by output name: the caller gives it back with {@link #give}. */
    Map<String, OnnxTensor> take() throws OrtException {
        return pool.take();
    }

    /** Returns a set after its run's answers have been read (or the run failed); closed when no longer pooled. */
    void give(Map<String, OnnxTensor> outputs) {
        pool.give(outputs);
    }

    private Map<String, OnnxTensor> make() throws OrtException {
        Map<String, OnnxTensor> outputs = new LinkedHashMap<>();
        try {
            for (int i = 0; i < names.size(); i++) {
                outputs.put(names.get(i), tensor(infos.get(i)));
            }
            return outputs;
        } catch (OrtException | RuntimeException e) {
            outputs.values().forEach(OnnxTensor::close);
            throw e;
        }
    }

    private OnnxTensor tensor(TensorInfo info) throws OrtException {
        long[] shape = info.getShape().clone();
        shape[0] = 1;
        int n = (int) Arrays.stream(shape).reduce(1, Math::multiplyExact);
        return switch (info.type) {
            case FLOAT -> OnnxTensor.createTensor(env, direct(n * Float.BYTES).asFloatBuffer(), shape);
            case DOUBLE -> OnnxTensor.createTensor(env, direct(n * Double.BYTES).asDoubleBuffer(), shape);
            case INT64 -> OnnxTensor.createTensor(env, direct(n * Long.BYTES).asLongBuffer(), shape);
            case INT32 -> OnnxTensor.createTensor(env, direct(n * Integer.BYTES).asIntBuffer(), shape);
            case STRING -> {
                String[] empty = new String[n];
                Arrays.fill(empty, "");
                yield OnnxTensor.createTensor(env, empty, shape);
            }
            default -> throw new IllegalStateException("not pinnable: " + info.type);
        };
    }

    private static ByteBuffer direct(int bytes) {
        return ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
    }

    /** Frees every pooled set; a set still out is freed when given back. */
    @Override
    public void close() {
        pool.close();
    }
}
