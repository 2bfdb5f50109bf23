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

    /** 64 KiB per thread, shared by a bind's inputs: a 4,096-row CSV chunk of four float features. */
    private static final int REUSED_BUFFER_BYTES = 65_536;
    private static final ThreadLocal<ByteBuffer> INPUT_BUFFER = new ThreadLocal<>();

    private final OrtEnvironment env;
    private final ModelSignature signature;

    InputBinder(OrtEnvironment env, ModelSignature signature) {
        this.env = env;
        this.signature = signature;
    }

    /**
     * The tensors for rows {@code [from, from + count)} of {@code batch}, padded to {@code padTo} rows. The caller
     * closes them before this thread binds again: number and bool tensors may wrap this thread's reused buffer.
     */
    Map<String, OnnxTensor> bind(Batch batch, int from, int count, int padTo) throws OrtException {
        int rows = Math.max(count, padTo);
        ByteBuffer arena = arena(rows);
        Map<String, OnnxTensor> tensors = new LinkedHashMap<>();
        try {
            for (int i = 0; i < signature.inputs().size(); i++) {
                ModelInput input = signature.inputs().get(i);
                tensors.put(input.name(), tensor(input, batch.data(i), from, count, rows, arena));
            }
            return tensors;
        } catch (OrtException | RuntimeException e) {
            tensors.values().forEach(OnnxTensor::close);
            throw e;
        }
    }

    private OnnxTensor tensor(ModelInput input, Object data, int from, int count, int rows, ByteBuffer arena)
            throws OrtException {
        int width = input.width();
        long[] shape = input.rank() == 1 ? new long[]{rows} : new long[]{rows, width};
        int n = rows * width;
        switch (input.type()) {
            case FLOAT -> {
                FloatBuffer buffer = buffer(arena, n * Float.BYTES).asFloatBuffer();
                float[] values = (float[]) data;
                buffer.put(values, from * width, count * width);
                pad(count, rows, width, () -> buffer.put(values, (from + count - 1) * width, width));
                buffer.flip();
                return OnnxTensor.createTensor(env, buffer, shape);
            }
            case DOUBLE -> {
                double[] values = (double[]) data;
                java.nio.DoubleBuffer buffer = buffer(arena, n * Double.BYTES).asDoubleBuffer();
                buffer.put(values, from * width, count * width);
                pad(count, rows, width, () -> buffer.put(values, (from + count - 1) * width, width));
                buffer.flip();
                return OnnxTensor.createTensor(env, buffer, shape);
            }
            case INT64 -> {
                long[] values = (long[]) data;
                java.nio.LongBuffer buffer = buffer(arena, n * Long.BYTES).asLongBuffer();
                buffer.put(values, from * width, count * width);
                pad(count, rows, width, () -> buffer.put(values, (from + count - 1) * width, width));
                buffer.flip();
                return OnnxTensor.createTensor(env, buffer, shape);
            }
            case INT32 -> {
                int[] values = (int[]) data;
                java.nio.IntBuffer buffer = buffer(arena, n * Integer.BYTES).asIntBuffer();
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
                ByteBuffer buffer = buffer(arena, n);
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

    /** Bytes an input of {@code rows} rows takes in the arena, rounded up to 8 so every slice stays aligned. */
    private static int bytes(ModelInput input, int rows) {
        int element = switch (input.type()) {
            case FLOAT, INT32 -> 4;
            case DOUBLE, INT64 -> 8;
            case BOOL -> 1;
            case STRING -> 0; // ORT copies strings into a tensor of its own
        };
        long size = (long) rows * input.width() * element;
        return (int) Math.min(Integer.MAX_VALUE, (size + 7) & ~7L);
    }

    /**
     * This thread's reused direct buffer, cleared, when all of a bind's number and bool inputs fit in it; else null
     * (each input then gets a buffer of its own). ORT reads a direct buffer in place, so allocating one per input
     * per run (zeroed, registered with a cleaner, freed only by a later GC) was a cost on every request, paid once
     * per column by a model of one-column inputs, and let native memory pile up between collections. The tensors
     * that wrap it are closed before the run returns, so the next bind on the same thread may overwrite it. The
     * thread-local holds only a JDK buffer, so a web app's class loader is never pinned by it.
     */
    private ByteBuffer arena(int rows) {
        long total = 0;
        for (ModelInput input : signature.inputs()) {
            total += bytes(input, rows);
        }
        if (total > REUSED_BUFFER_BYTES) {
            return null;
        }
        ByteBuffer arena = INPUT_BUFFER.get();
        if (arena == null || arena.capacity() < total) {
            int capacity = (int) Math.min(REUSED_BUFFER_BYTES, Math.max(total, 1024));
            arena = ByteBuffer.allocateDirect(capacity).order(ByteOrder.nativeOrder());
            INPUT_BUFFER.set(arena);
        }
        arena.clear();
        return arena;
    }

    /**
     * The next {@code bytes} of {@code arena} in native order, or a new direct buffer when there is no arena. The
     * arena's position moves past the slice (rounded up to 8), so the next input gets the bytes after it.
     */
    private static ByteBuffer buffer(ByteBuffer arena, int bytes) {
        if (arena == null) {
            return ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
        }
        int start = arena.position();
        ByteBuffer slice = arena.slice(start, bytes).order(ByteOrder.nativeOrder());
        arena.position(start + ((bytes + 7) & ~7));
        return slice;
    }
}
