package org.tabserve.serving.rollout;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.tabserve.repository.ModelRepository;
import org.tabserve.repository.ModelStatus;

/**
 * Each model's {@link Rollout} as it stands and where it came from: its {@code rollout.json} as last read (read again
 * when it changes) or the admin API's, kept in that file when the model has a directory that can be written.
 *
 * <p>Threading: {@link Rollouts} reads it without a lock and changes it only under its own lock.
 */
final class RolloutStore {

    /** The file a model's rollout is read from and written to, in its directory of the repository. */
    static final String FILE = RolloutFiles.FILE;

    private static final String FROM_ADMIN = "admin API";

    /** Logged as {@link Rollouts}, the rollouts' logger before this class was split from it. */
    private static final System.Logger LOG = System.getLogger(Rollouts.class.getName());

    /**
     * A model's rollout as it stands.
     *
     * @param source  {@link #FILE} or {@link #FROM_ADMIN}
     * @param invalid why the file as last read is not used, or null
     * @param stamp   the file's size and time as last read, or null
     */
    record Held(Rollout rollout, String source, String invalid, String stamp) {}

    private final ModelRepository repository;
    private final Map<String, Held> held = new ConcurrentHashMap<>();
    /** The models whose {@code rollout.json}, read before, the last read found missing (once). */
    private final Set<String> missing = ConcurrentHashMap.newKeySet();

    RolloutStore(ModelRepository repository) {
        this.repository = repository;
    }

    /** @return model {@code name}'s rollout as it stands, or null when it has none and no {@code rollout.json} */
    Held held(String name) {
        return held.get(name);
    }

    /**
     * Reads each model's {@code rollout.json} that changed since the last read, for {@link Rollouts#reread}: a bad one
     * is shown as such ({@link Rollouts#status}) and the rollout read before it stays, as it does for a link, a
     * directory, a FIFO or a {@code {}} in its place ({@link RolloutFiles#read}); a removed one ends its rollout when
     * two reads in a row (two polls) find it missing. A file replaced in two steps, removed and then written (as
     * {@code git checkout} does), is missing for an instant: a poll in between must not hand every request to the
     * highest ready version until the next.
     */
    void reread() {
        Optional<Path> directory = repository.options().directory();
        if (directory.isEmpty()) {
            return;
        }
        List<String> names = new ArrayList<>(
                repository.index().stream().map(ModelStatus::name).distinct().toList());
        held.keySet().stream().filter(n -> !names.contains(n)).forEach(names::add);
        for (String name : names) {
            Path file = RolloutFiles.of(directory.get(), name);
            Held before = held.get(name);
            if (!RolloutFiles.present(file)) {
                if (before != null && before.source().equals(FILE) && !missing.add(name)) {
                    missing.remove(name);
                    held.remove(name);
                    LOG.log(System.Logger.Level.INFO, "Model {0}: {1} is gone, its rollout ends", name, FILE);
                }
                continue;
            }
            missing.remove(name);
            String stamp = RolloutFiles.stamp(file);
            if (before != null && stamp.equals(before.stamp())) {
                continue;
            }
            RolloutFiles.Read read = RolloutFiles.read(file);
            if (read.rollout() != null) {
                held.put(name, new Held(read.rollout(), FILE, null, stamp));
                LOG.log(
                        System.Logger.Level.INFO,
                        "Model {0}: rollout read from {1}: {2}",
                        name,
                        FILE,
                        read.rollout().json());
            } else {
                held.put(name, new Held(before == null ? Rollout.NONE : before.rollout(), FILE, read.invalid(), stamp));
                LOG.log(System.Logger.Level.WARNING, "Model {0}: {1} is not used: {2}", name, FILE, read.invalid());
            }
        }
    }

    /** Keeps {@code rollout}, in the model's {@code rollout.json} when it has a directory that can be written. */
    void keep(String name, Rollout rollout) {
        try {
            Optional<String> written = RolloutFiles.write(repository.options().directory(), name, rollout);
            held.put(
                    name,
                    written.map(stamp -> new Held(rollout, FILE, null, stamp))
                            .orElseGet(() -> new Held(rollout, FROM_ADMIN, null, null)));
        } catch (IOException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "Model {0}: cannot write {1} ({2}); the rollout holds until the" + " server stops",
                    name,
                    FILE,
                    e.getMessage());
            held.put(name, new Held(rollout, FROM_ADMIN, null, null));
        }
    }

    /** @return the models with a rollout (or a {@code rollout.json} shown as bad), by name */
    List<String> models() {
        return held.entrySet().stream()
                .filter(e -> !e.getValue().rollout().none() || e.getValue().invalid() != null)
                .map(Map.Entry::getKey)
                .sorted()
                .toList();
    }
}
