package org.tabserve.model.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.ModelInput;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.model.signature.ValueType;

/**
 * Turns rows of a {@link Batch} into one ONNX Runtime tensor per model input, each of its own type: float, double,
 * int64, int32, string or bool, shaped {@code [N]} or {@code [N, F]} as the input is. A slice shorter than a fixed
 * batch is padded by repeating its last row, whose answers the caller drops: a real row, so that no encoder sees a
 * value it would refuse.
 *
 * <p>A binder made by {@link #sharing} also holds, for each one-column text input, a one-row tensor per known
 * category, made once: creating a string tensor is JNI work per value in ONNX Runtime's Java API (≈ 0.9 µs), paid on
 * every single-row call otherwise. Those tensors are shared by concurrent runs, which ONNX Runtime allows: a run only
 * reads its inputs ({@code ConcurrentPredictionTest} drives one model from many threads). They are freed by
 * {@link #close()}, never by a {@link Bound}. It also keeps sets of one-row tensors for the number and bool inputs
 * ({@link OneRowTensors}): one set per run at a time, pooled (not thread-local, so closing the model frees them),
 * instead of one tensor made through JNI per input per call (four for the penguins classifier). Number and bool
 * tensors of more rows wrap slices of this thread's {@link InputArena}.
 */
final class InputBinder implements AutoCloseable {

    /** Categories per text input made into shared tensors at most: a long vocabulary is not worth its memory. */
    private static final int MAX_SHARED_CATEGORIES = 256;

    private final OrtEnvironment env;
    private final ModelSignature signature;

    /** Per input index: a one-row tensor per known category, empty for an input that has none; null: none at all. */
    private final List<Map<String, OnnxTensor>> shared;
    /** One-row number and bool tensors given back after their run, for the next single row; null: none kept. */
    private final NativePool<OneRowTensors> oneRows;

    /** Sets of one-row tensors kept for reuse: enough for every request thread of a busy server. */
    private static final int POOLED_ONE_ROWS = 64;

    /** A binder that makes every tensor per call: for the few runs made while a model loads. */
    InputBinder(OrtEnvironment env, ModelSignature signature) {
        this.env = env;
        this.signature = signature;
        this.shared = null;
        this.oneRows = null;
    }

    private InputBinder(OrtEnvironment env, ModelSignature signature, List<Map<String, OnnxTensor>> shared) {
        this.env = env;
        this.signature = signature;
        this.shared = shared;
        this.oneRows =
                new NativePool<>(POOLED_ONE_ROWS, () -> OneRowTensors.make(env, signature), OneRowTensors::close);
    }

    /**
     * A binder holding a shared one-row tensor for each known category of each one-column text input, for a model's
     * lifetime; {@link #close()} frees them.
     */
    static InputBinder sharing(OrtEnvironment env, ModelSignature signature) throws OrtException {
        List<Map<String, OnnxTensor>> shared = new ArrayList<>();
        try {
            for (ModelInput input : signature.inputs()) {
                List<String> categories = input.features().get(0).categories();
                if (input.type() != ValueType.STRING
                        || input.width() != 1
                        || categories.isEmpty()
                        || categories.size() > MAX_SHARED_CATEGORIES) {
                    shared.add(Map.of());
                    continue;
                }
                Map<String, OnnxTensor> tensors = new HashMap<>();
                shared.add(tensors);
                long[] shape = input.rank() == 1 ? new long[] {1} : new long[] {1, 1};
                for (String category : categories) {
                    if (!tensors.containsKey(category)) {
                        tensors.put(category, OnnxTensor.createTensor(env, new String[] {category}, shape));
                    }
                }
            }
        } catch (OrtException | RuntimeException e) {
            closeAll(shared);
            throw e;
        }
        return new InputBinder(env, signature, List.copyOf(shared));
    }

    /**
     * The tensors for rows {@code [from, from + count)} of {@code batch}, padded to {@code padTo} rows. The caller
     * closes the result before this thread binds again: number and bool tensors may wrap this thread's reused buffer.
     */
    Bound bind(Batch batch, int from, int count, int padTo) throws OrtException {
        int rows = Math.max(count, padTo);
        ByteBuffer arena = InputArena.of(signature, rows);
        Map<String, OnnxTensor> tensors = new LinkedHashMap<>();
        List<OnnxTensor> made = new ArrayList<>(signature.inputs().size());
        OneRowTensors oneRow = null;
        try {
            oneRow = rows == 1 && oneRows != null ? oneRows.take() : null;
            for (int i = 0; i < signature.inputs().size(); i++) {
                ModelInput input = signature.inputs().get(i);
                OnnxTensor tensor = oneRow == null
                        ? null
                        : input.type() == ValueType.STRING
                                ? sharedTensor(i, batch.data(i), from)
                                : oneRow.write(i, input, batch.data(i), from);
                if (tensor == null) {
                    tensor = tensor(input, batch.data(i), from, count, rows, arena);
                    made.add(tensor);
                }
                tensors.put(input.name(), tensor);
            }
            return new Bound(tensors, made, oneRow, this);
        } catch (OrtException | RuntimeException e) {
            made.forEach(OnnxTensor::close);
            if (oneRow != null) {
                oneRows.give(oneRow);
            }
            throw e;
        }
    }

    /** The shared one-row tensor for input {@code i}'s value in row {@code row}, or null when there is none. */
    private OnnxTensor sharedTensor(int i, Object data, int row) {
        if (shared == null) {
            return null;
        }
        Map<String, OnnxTensor> tensors = shared.get(i);
        return tensors.isEmpty() ? null : tensors.get(((String[]) data)[row]);
    }

    /** Frees the shared tensors; only after the last run that may use them (the model's session closes then too). */
    @Override
    public void close() {
        if (shared != null) {
            closeAll(shared);
        }
        if (oneRows != null) {
            oneRows.close();
        }
    }

    private static void closeAll(List<Map<String, OnnxTensor>> shared) {
        for (Map<String, OnnxTensor> tensors : shared) {
            tensors.values().forEach(OnnxTensor::close);
        }
    }

    /**
     * The tensors of one bind, by input name in the model's order, for {@code OrtSession.run}. Closing it frees only
     * the tensors made for this call, never the binder's shared ones; its one-row set goes back to the binder.
     */
    static final class Bound implements AutoCloseable {
        private final Map<String, OnnxTensor> tensors;
        private final List<OnnxTensor> made;
        private final OneRowTensors oneRow;
        private final InputBinder binder;

        private Bound(
                Map<String, OnnxTensor> tensors, List<OnnxTensor> made, OneRowTensors oneRow, InputBinder binder) {
            this.tensors = tensors;
            this.made = made;
            this.oneRow = oneRow;
            this.binder = binder;
        }

        /** @return every input's tensor, by input name */
        Map<String, OnnxTensor> tensors() {
            return tensors;
        }

        @Override
        public void close() {
            made.forEach(OnnxTensor::close);
            if (oneRow != null) {
                binder.oneRows.give(oneRow); // after the run: the next single row may overwrite its buffers
            }
        }
    }

    private OnnxTensor tensor(ModelInput input, Object data, int from, int count, int rows, ByteBuffer arena)
            throws OrtException {
        int width = input.width();
        long[] shape = input.rank() == 1 ? new long[] {rows} : new long[] {rows, width};
        int n = rows * width;
        switch (input.type()) {
            case FLOAT -> {
                FloatBuffer buffer = InputArena.slice(arena, n * Float.BYTES).asFloatBuffer();
                float[] values = (float[]) data;
                buffer.put(values, from * width, count * width);
                pad(count, rows, width, () -> buffer.put(values, (from + count - 1) * width, width));
                buffer.flip();
                return OnnxTensor.createTensor(env, buffer, shape);
            }
            case DOUBLE -> {
                double[] values = (double[]) data;
                java.nio.DoubleBuffer buffer =
                        InputArena.slice(arena, n * Double.BYTES).asDoubleBuffer();
                buffer.put(values, from * width, count * width);
                pad(count, rows, width, () -> buffer.put(values, (from + count - 1) * width, width));
                buffer.flip();
                return OnnxTensor.createTensor(env, buffer, shape);
            }
            case INT64 -> {
                long[] values = (long[]) data;
                java.nio.LongBuffer buffer =
                        InputArena.slice(arena, n * Long.BYTES).asLongBuffer();
                buffer.put(values, from * width, count * width);
                pad(count, rows, width, () -> buffer.put(values, (from + count - 1) * width, width));
                buffer.flip();
                return OnnxTensor.createTensor(env, buffer, shape);
            }
            case INT32 -> {
                int[] values = (int[]) data;
                java.nio.IntBuffer buffer =
                        InputArena.slice(arena, n * Integer.BYTES).asIntBuffer();
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
                ByteBuffer buffer = InputArena.slice(arena, n);
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
}
