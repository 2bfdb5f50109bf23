package org.tabserve.model.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.tabserve.model.signature.ModelInput;
import org.tabserve.model.signature.ModelSignature;

/**
 * The direct buffer each thread reuses for the number and bool tensors of a bind ({@link InputBinder}), sliced per
 * input, so that a run does not allocate (and leave to a later GC) a direct buffer per input.
 */
final class InputArena {

    /** 64 KiB per thread, shared by a bind's inputs: a 4,096-row CSV chunk of four float features. */
    private static final int REUSED_BUFFER_BYTES = 65_536;

    private static final ThreadLocal<ByteBuffer> INPUT_BUFFER = new ThreadLocal<>();

    private InputArena() {}

    /** Bytes an input of {@code rows} rows takes in the arena, rounded up to 8 so every slice stays aligned. */
    static int bytes(ModelInput input, int rows) {
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
    static ByteBuffer of(ModelSignature signature, int rows) {
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
    static ByteBuffer slice(ByteBuffer arena, int bytes) {
        if (arena == null) {
            return ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
        }
        int start = arena.position();
        ByteBuffer slice = arena.slice(start, bytes).order(ByteOrder.nativeOrder());
        arena.position(start + ((bytes + 7) & ~7));
        return slice;
    }
}
