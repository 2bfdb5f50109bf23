package org.tabserve.repository;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Every model version the repository knows, by name then version, and what requests ask of it without a lock: the
 * version to lend, the versions that are ready, the model the root routes answer with. The {@link ModelRepository}
 * adds and removes versions while holding its own lock; readers see a consistent map at every moment.
 */
final class ModelIndex {

    private final Map<String, NavigableMap<Long, ServedModel>> models = new ConcurrentHashMap<>();
    /**
     * Counts the changes {@link #firstByName} depends on (a version added or removed, a state or a served model
     * changed), each counted after it is made: an answer worked out at one count holds until the next.
     */
    private final AtomicLong changes = new AtomicLong();
    /** {@link #firstByName}'s last answer, and the count of changes it was worked out at. */
    private volatile FirstByName first = new FirstByName(-1, Optional.empty());

    private record FirstByName(long changes, Optional<String> name) {}

    /**
     * Lends the highest ready version of model {@code name}.
     *
     * @throws RepositoryException of kind {@link RepositoryException.Kind#NOT_FOUND} (no such model, with the
     *         models there are) or {@link RepositoryException.Kind#UNAVAILABLE} (none of its versions is ready, with
     *         why)
     */
    Lease lease(String name) {
        NavigableMap<Long, ServedModel> versions = models.get(name);
        if (versions != null) {
            for (ServedModel served : versions.descendingMap().values()) {
                if (served.state() == ModelState.READY) {
                    Optional<Lease> lease = served.lease();
                    if (lease.isPresent()) {
                        return lease.get();
                    }
                }
            }
        }
        List<ModelStatus> statuses = statuses(name);
        if (statuses.isEmpty() || statuses.stream().allMatch(s -> s.state() == ModelState.UNLOADING)) {
            throw new RepositoryException(
                    RepositoryException.Kind.NOT_FOUND, "no model named '" + name + "'; models: " + names());
        }
        throw new RepositoryException(
                RepositoryException.Kind.UNAVAILABLE, "model '" + name + "' is not ready: " + describe(statuses));
    }

    /**
     * Lends version {@code version} of model {@code name}.
     *
     * @throws RepositoryException of kind {@link RepositoryException.Kind#NOT_FOUND} when that version is not
     *         ready, saying which versions are
     */
    Lease lease(String name, long version) {
        NavigableMap<Long, ServedModel> versions = models.get(name);
        ServedModel served = versions == null ? null : versions.get(version);
        if (served != null && served.state() == ModelState.READY) {
            Optional<Lease> lease = served.lease();
            if (lease.isPresent()) {
                return lease.get();
            }
        }
        if (versions == null || versions.isEmpty()) {
            throw new RepositoryException(
                    RepositoryException.Kind.NOT_FOUND, "no model named '" + name + "'; models: " + names());
        }
        String why = served == null ? "" : " (" + describe(List.of(served.status())) + ")";
        throw new RepositoryException(
                RepositoryException.Kind.NOT_FOUND,
                "version " + version + " of model '" + name + "' is not loaded" + why + "; loaded versions: "
                        + readyVersions(name));
    }

    /** @return the versions of {@code name} that are ready, lowest first */
    List<Long> readyVersions(String name) {
        NavigableMap<Long, ServedModel> versions = models.get(name);
        return versions == null
                ? List.of()
                : versions.values().stream()
                        .filter(s -> s.state() == ModelState.READY)
                        .map(s -> s.key().version())
                        .toList();
    }

    /** @return every version known, with its state, by name and version */
    List<ModelStatus> statuses() {
        return all().map(ServedModel::status)
                .sorted(Comparator.comparing(ModelStatus::name).thenComparingLong(ModelStatus::version))
                .toList();
    }

    /** @return the versions of {@code name}, lowest first, with their states */
    List<ModelStatus> statuses(String name) {
        NavigableMap<Long, ServedModel> versions = models.get(name);
        return versions == null
                ? List.of()
                : versions.values().stream().map(ServedModel::status).toList();
    }

    /**
     * The model the root routes answer with when none is named: the first by name of the models with a ready version
     * that has a card, else of those with a ready version, else of all. A model with a card is the one a user expects
     * at {@code /}: its form has examples and usual values, where an uncarded model's opens empty (the exporter's
     * file, not yet described), so an uncarded model sorted first by name no longer takes the front page from it.
     */
    Optional<String> firstByName() {
        // Asked by every request on a root route: worked out again only after a change. The count is read before the
        // walk, so that a change made during it (counted after it is made) makes the next request walk again.
        long now = changes.get();
        FirstByName known = first;
        if (known.changes() == now) {
            return known.name();
        }
        Optional<String> name = walkFirstByName();
        first = new FirstByName(now, name);
        return name;
    }

    /** {@link #firstByName()} worked out: one pass over the names, no index built and sorted. */
    private Optional<String> walkFirstByName() {
        String firstCarded = null;
        String firstReady = null;
        String first = null;
        for (Map.Entry<String, NavigableMap<Long, ServedModel>> entry : models.entrySet()) {
            String name = entry.getKey();
            if (entry.getValue().isEmpty()) {
                continue;
            }
            if (first == null || name.compareTo(first) < 0) {
                first = name;
            }
            if (firstCarded == null || name.compareTo(firstCarded) < 0) {
                for (ServedModel version : entry.getValue().values()) { // a loop: a stream here cost ~1 µs a request
                    if (version.state() == ModelState.READY) {
                        if (firstReady == null || name.compareTo(firstReady) < 0) {
                            firstReady = name;
                        }
                        if (version.carded()) {
                            firstCarded = name;
                            break;
                        }
                    }
                }
            }
        }
        if (firstCarded != null) {
            return Optional.of(firstCarded);
        }
        return Optional.ofNullable(firstReady != null ? firstReady : first);
    }

    /** @return whether any version of any model is ready */
    boolean anyReady() {
        return all().anyMatch(s -> s.state() == ModelState.READY);
    }

    /** @return how many versions other than {@code key} are loaded (and not unloading) or loading */
    long busyBesides(ModelKey key) {
        return all().filter(s -> !s.key().equals(key))
                .filter(s -> s.loaded() ? s.state() != ModelState.UNLOADING : s.state() == ModelState.LOADING)
                .count();
    }

    /**
     * @param maxModels the most versions loaded or loading at once ({@link RepositoryOptions#maxModels()})
     * @throws RepositoryException of kind {@link RepositoryException.Kind#LIMIT} when {@code key} would not fit
     */
    void checkRoom(ModelKey key, int maxModels) {
        if (busyBesides(key) >= maxModels) {
            // No count of what is loaded in the words: they stay the same while the version waits, so it is told once.
            throw new RepositoryException(
                    RepositoryException.Kind.LIMIT,
                    key + " is not loaded: --max-models ("
                            + RepositoryOptions.MAX_MODELS + ") is " + maxModels
                            + " and that many model versions"
                            + " are loaded or loading; raise it or remove a model");
        }
    }

    /** @return every version known, of every model */
    List<ServedModel> versions() {
        return all().toList();
    }

    /** @return the versions of {@code name}, lowest first; empty when there is no such model */
    List<ServedModel> versions(String name) {
        NavigableMap<Long, ServedModel> versions = models.get(name);
        return versions == null ? List.of() : List.copyOf(versions.values());
    }

    /** @return the highest version of {@code name} that is not unloading, if any */
    Optional<ServedModel> highestLive(String name) {
        NavigableMap<Long, ServedModel> versions = models.get(name);
        return versions == null
                ? Optional.empty()
                : versions.descendingMap().values().stream()
                        .filter(s -> s.state() != ModelState.UNLOADING)
                        .findFirst();
    }

    /** @return the holder of {@code key}, or null */
    ServedModel get(ModelKey key) {
        NavigableMap<Long, ServedModel> versions = models.get(key.name());
        return versions == null ? null : versions.get(key.version());
    }

    /** Puts a new holder of {@code key} in place of the one there (if any), calling {@code onGone} when it goes. */
    ServedModel replace(ModelKey key, Consumer<ServedModel> onGone) {
        ServedModel fresh = new ServedModel(key, onGone, changes::incrementAndGet);
        models.computeIfAbsent(key.name(), name -> new ConcurrentSkipListMap<>())
                .put(key.version(), fresh);
        changes.incrementAndGet();
        return fresh;
    }

    /** Forgets {@code served}, unless another holder took its place; a model left with no version is forgotten too. */
    void remove(ServedModel served) {
        ModelKey key = served.key();
        NavigableMap<Long, ServedModel> versions = models.get(key.name());
        if (versions != null && versions.remove(key.version(), served) && versions.isEmpty()) {
            models.remove(key.name());
        }
        changes.incrementAndGet();
    }

    /** @return the model names, sorted */
    List<String> names() {
        return models.keySet().stream().sorted().toList();
    }

    private Stream<ServedModel> all() {
        return models.values().stream().flatMap(v -> v.values().stream());
    }

    private static String describe(List<ModelStatus> statuses) {
        List<String> parts = new ArrayList<>();
        for (ModelStatus status : statuses) {
            parts.add("version " + status.version() + " " + status.state()
                    + status.reason().map(r -> " (" + r + ")").orElse(""));
        }
        return String.join("; ", parts);
    }
}
