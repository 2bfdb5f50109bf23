package org.tabserve.web.http;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * Answers built from one loaded model version alone (its OpenAPI document), kept as encoded bytes so that every
 * request for them shares one copy and one build: requests that arrive while it is being built wait for that build
 * instead of starting their own, which is what let concurrent requests for a large card's document fill the heap.
 * An entry goes when its version is replaced or unloaded ({@link #forget}, called from the repository's listener),
 * and at most {@link #capacity()} bytes are kept in all (the least recently used go first), so the memory held grows
 * neither with reloads nor with the number of models.
 *
 * <p>Threading: safe for concurrent use; a build runs on the thread of the request that asked first, outside the lock.
 */
public final class ModelBytes {

    /** The share of the maximum heap the kept answers may fill together. */
    static final double HEAP_SHARE = 0.1;

    /** A model version's answer: which model, which version, and which of its answers ({@code variant}). */
    private record Key(String name, long version, String variant) {}

    /** One answer, built or being built, from one loaded model ({@code model}: its identity, not its contents). */
    private static final class Entry {
        final Object model;
        final CompletableFuture<byte[]> bytes = new CompletableFuture<>();
        long size; // 0 until built and kept

        Entry(Object model) {
            this.model = model;
        }
    }

    private final long capacity;
    private final Map<Key, Entry> entries = new LinkedHashMap<>(16, 0.75f, true); // guarded by this; access order
    private long kept; // guarded by this

    ModelBytes(long capacity) {
        this.capacity = capacity;
    }

    /** Kept answers of up to {@link #HEAP_SHARE} of the heap this JVM may grow to. */
    public static ModelBytes ofHeap() {
        return new ModelBytes((long) (Runtime.getRuntime().maxMemory() * HEAP_SHARE));
    }

    public long capacity() {
        return capacity;
    }

    synchronized long kept() {
        return kept;
    }

    /**
     * The answer {@code variant} of model {@code name} version {@code version}, built by {@code build} if no request
     * has built it for this loaded {@code model} yet; a build already under way is waited for. A build that fails
     * fails every request that waited for it and is not kept, so that the next request tries again.
     *
     * @param model the loaded model the answer is built from: a reload of the same version is another one
     */
    public byte[] get(String name, long version, Object model, String variant, Supplier<byte[]> build) {
        Key key = new Key(name, version, variant);
        Entry entry;
        boolean mine = false;
        synchronized (this) {
            entry = entries.get(key);
            if (entry == null || entry.model != model) {
                if (entry != null) {
                    drop(key, entry);
                }
                entry = new Entry(model);
                entries.put(key, entry);
                mine = true;
            }
        }
        if (mine) {
            byte[] built;
            try {
                built = build.get();
            } catch (RuntimeException | Error e) {
                entry.bytes.completeExceptionally(e);
                synchronized (this) {
                    entries.remove(key, entry);
                }
                throw e;
            }
            entry.bytes.complete(built);
            keep(key, entry, built.length);
            return built;
        }
        try {
            return entry.bytes.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure; // the builder's HttpProblem (503, say), answered to each request that waited
            }
            throw e;
        }
    }

    /** Counts a built answer as kept, unless it was forgotten meanwhile; then makes room, oldest first. */
    private synchronized void keep(Key key, Entry entry, long size) {
        if (entries.get(key) != entry) {
            return;
        }
        if (size > capacity) {
            entries.remove(key); // served to the requests that waited, never kept
            return;
        }
        entry.size = size;
        kept += size;
        Iterator<Map.Entry<Key, Entry>> oldest = entries.entrySet().iterator();
        while (kept > capacity && oldest.hasNext()) {
            Map.Entry<Key, Entry> next = oldest.next();
            if (next.getValue() != entry && next.getValue().size > 0) {
                kept -= next.getValue().size;
                oldest.remove();
            }
        }
    }

    /** Model {@code name} version {@code version} was replaced or unloaded: its answers are built again if asked for. */
    public synchronized void forget(String name, long version) {
        List<Key> gone = new ArrayList<>();
        entries.forEach((key, entry) -> {
            if (key.name().equals(name) && key.version() == version) {
                gone.add(key);
            }
        });
        gone.forEach(key -> drop(key, entries.get(key)));
    }

    private void drop(Key key, Entry entry) {
        entries.remove(key);
        kept -= entry.size;
    }
}
