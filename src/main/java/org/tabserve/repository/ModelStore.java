package org.tabserve.repository;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Where a repository's models live when they are not in a local directory (an object store, {@code s3://}): it
 * mirrors them into a local cache folder in the same layout as a {@code --models} directory, which the repository
 * then scans, loads and swaps as it does a local one. What it could not bring (a failed download, a wrong digest, a
 * key it refuses) leaves the cache's last good file in place and is told as a {@link SkippedEntry}.
 *
 * <p>{@link #refresh} is called by the repository outside its lock, one call at a time (at start, before each poll,
 * and for a forced reload); it must not throw for the store's failures, which it records instead.
 */
public interface ModelStore extends AutoCloseable {

    /**
     * What a store last saw, for the models index and readiness' detail.
     *
     * @param location    where the models live ({@code s3://bucket/prefix/}), never with credentials
     * @param reachable   whether its last request was answered
     * @param detail      why it is not reachable, in words without credentials; empty when it is
     * @param cachedFiles the model files the cache holds
     * @param requests    requests sent to the store (listings and downloads)
     * @param failures    requests that failed (no answer, or an error status)
     * @param bytes       bytes downloaded
     * @param backoffs    polls passed over because the store had been failing (each failure doubles the wait)
     * @param oneModel    whether the location is one model's object ({@code --model s3://BUCKET/KEY.onnx}), whose
     *                    server is that model's site, as {@code --model FILE}'s is (its form at {@code /})
     * @param readsAbandoned reads from the store abandoned past their deadline or below their rate (listings, HEADs,
     *                       digests and objects)
     * @param abandoned   the objects whose last download was abandoned so, as {@code s3://} names (at most 100)
     */
    record State(
            String location,
            boolean reachable,
            Optional<String> detail,
            int cachedFiles,
            long requests,
            long failures,
            long bytes,
            long backoffs,
            boolean oneModel,
            long readsAbandoned,
            List<String> abandoned) {}

    /**
     * The model files the repository serves from now, which a store's cache must never evict: every loaded version's
     * (shadows and canaries included) and each one loading.
     */
    @FunctionalInterface
    interface Serving {
        /**
         * @return the files, as paths in the cache folder; empty until the repository has loaded what the cache held
         *         at start (until then any file may be about to serve, and none may be evicted)
         */
        Optional<Set<Path>> files();
    }

    /**
     * Tells the store which files serve, for its cache's evictions; the repository calls it once, before its first
     * refresh. Until it is called a store evicts nothing.
     */
    void serving(Serving serving);

    /** @return the local folder the store mirrors into, which the repository scans as its directory */
    Path cache();

    /**
     * Brings the cache in step with the store: new and changed objects downloaded and checked, removed ones removed.
     *
     * @param force download even objects that look unchanged (a forced reload)
     * @param name  only this model's objects, or every model's when empty
     */
    void refresh(boolean force, Optional<String> name);

    /** @return what the store's last refresh could not bring, each with why and the fix, at most a hundred */
    List<SkippedEntry> problems();

    /** @return how the store is now */
    State state();

    /** Stops using the store (its client's connections); the cache stays for the next start. */
    @Override
    void close();
}
