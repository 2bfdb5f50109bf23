package org.tabserve.repository;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A repository's {@link ModelStore}, when its models come from one: its refreshes, one at a time and outside the
 * repository's lock (a store's requests must not hold up loads and admin calls), and what it could not bring, told
 * before the directory's own skipped entries. It tells the store which files serve ({@link ModelStore.Serving}: every
 * loaded version's, shadows and canaries included, and each one loading), so that its cache never evicts them.
 */
final class StoreSide {

    private final ModelStore store;
    /**
     * Whether the start's refresh is done, after which the directory is scanned at once: from the next refresh on,
     * every cached file that will serve has a version serving or loading it. Before, what serves is not known.
     */
    private volatile boolean scanned;

    /** @param versions the repository's versions now, whose files serve (or are loading) */
    StoreSide(ModelStore store, Supplier<List<ServedModel>> versions) {
        this.store = store;
        store.serving(() -> {
            if (!scanned) {
                return Optional.empty();
            }
            Set<Path> files = new HashSet<>();
            versions.get().forEach(version -> files.addAll(version.files()));
            return Optional.of(files);
        });
    }

    /** Brings the cache in step with the store: every model's objects, or with {@code force} {@code name}'s anew. */
    synchronized void refresh(boolean force, Optional<String> name) {
        store.refresh(force, name);
        scanned = true;
    }

    /** @return the store's problems, then the directory's {@code skipped}, at most {@code kept} in all */
    List<SkippedEntry> skipped(List<SkippedEntry> skipped, int kept) {
        List<SkippedEntry> all = new ArrayList<>(store.problems());
        skipped.stream().limit(Math.max(0, kept - all.size())).forEach(all::add);
        return List.copyOf(all);
    }

    int problems() {
        return store.problems().size();
    }

    ModelStore.State state() {
        return store.state();
    }

    void close() {
        store.close();
    }
}
