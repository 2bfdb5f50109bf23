package org.tabserve.repository;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A repository's {@link ModelStore}, when its models come from one: its refreshes, one at a time and outside the
 * repository's lock (a store's requests must not hold up loads and admin calls), and what it could not bring, told
 * before the directory's own skipped entries.
 */
final class StoreSide {

    private final ModelStore store;

    StoreSide(ModelStore store) {
        this.store = store;
    }

    /** Brings the cache in step with the store: every model's objects, or with {@code force} {@code name}'s anew. */
    synchronized void refresh(boolean force, Optional<String> name) {
        store.refresh(force, name);
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
