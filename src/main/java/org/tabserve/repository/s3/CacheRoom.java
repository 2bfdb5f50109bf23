package org.tabserve.repository.s3;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.tabserve.repository.ModelStore;

/**
 * Which of a store's cached model files may go to make room for a download: only those of versions that do not serve
 * (a version past {@code --max-models}, one whose load failed, a file no version has loaded), the least recently
 * served first, never one that serves or is loading ({@link ModelStore.Serving}, which the repository gives). Until the
 * repository tells what serves (and at start, until it has loaded what the cache held), nothing is evicted. Its clock is the refreshes: each one notes what serves then.
 */
final class CacheRoom {

    private final Path root;
    /** The refresh at which each cached path was last seen serving. Guarded by the one refresh at a time. */
    private final Map<String, Long> lastServed = new HashMap<>();

    private volatile ModelStore.Serving serving;
    private long refreshes;

    /** @param root the cache folder, whose paths {@link ModelStore.Serving} gives */
    CacheRoom(Path root) {
        this.root = root;
    }

    void serving(ModelStore.Serving serving) {
        this.serving = serving;
    }

    /**
     * Notes which cached paths serve now, as the clock of "least recently served".
     *
     * @return them, as cache paths ({@code banknote/2/model.onnx}); empty when nothing is known (no eviction then)
     */
    Optional<Set<String>> noteServed() {
        ModelStore.Serving now = serving;
        Optional<Set<Path>> files = now == null ? Optional.empty() : now.files();
        if (files.isEmpty()) {
            return Optional.empty();
        }
        refreshes++;
        Set<String> paths = new HashSet<>();
        for (Path file : files.get()) {
            Path absolute = file.toAbsolutePath().normalize();
            if (absolute.startsWith(root)) {
                String path = root.relativize(absolute).toString();
                paths.add(path);
                lastServed.put(path, refreshes);
                if (Files.isDirectory(absolute, LinkOption.NOFOLLOW_LINKS)) {
                    paths.add(path + "/"); // an MLflow model's folder: each of its files serves with it
                }
            }
        }
        return Optional.of(paths);
    }

    /**
     * The model files to evict so that {@code needed} more bytes fit: of {@code cached}, those not {@code served}
     * and not {@code busy} (being downloaded), least recently served first (never served before any, then by path).
     *
     * @return the fewest such files, in that order, whose sizes add up to {@code needed}; empty when all of them
     *         together would not make room (then none is evicted) or nothing is known of what serves
     */
    Optional<List<String>> toEvict(
            Map<String, CacheFolder.Entry> cached, Optional<Set<String>> served, Set<String> busy, long needed) {
        if (served.isEmpty()) {
            return Optional.empty();
        }
        List<String> candidates = new ArrayList<>();
        cached.forEach((path, entry) -> {
            Optional<String> folder = ObjectKeys.versionFolder(path);
            boolean serves = served.get().contains(path)
                    || folder.map(served.get()::contains).orElse(false);
            if (ObjectKeys.isModelFile(path) && !serves && !busy.contains(path)) {
                candidates.add(path);
            }
        });
        candidates.sort(Comparator.<String>comparingLong(this::lastServed).thenComparing(Comparator.naturalOrder()));
        List<String> evict = new ArrayList<>();
        long freed = 0;
        for (String path : candidates) {
            if (freed >= needed) {
                break;
            }
            evict.add(path);
            freed += cached.get(path).size();
        }
        return freed >= needed ? Optional.of(evict) : Optional.empty();
    }

    /** @return the refresh at which {@code path}, or the MLflow model folder it is in, last served; 0 for never */
    private long lastServed(String path) {
        long own = lastServed.getOrDefault(path, 0L);
        return ObjectKeys.versionFolder(path)
                .map(f -> Math.max(own, lastServed.getOrDefault(f.substring(0, f.length() - 1), 0L)))
                .orElse(own);
    }

    /** Counts a download as a use: a file just brought is among the last to go, not the first. */
    void downloaded(String path) {
        lastServed.put(path, refreshes);
    }

    /** Forgets a path that left the cache. */
    void forget(String path) {
        lastServed.remove(path);
    }
}
