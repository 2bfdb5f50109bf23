package org.tabserve.repository;

import java.nio.file.Path;
import java.util.List;

/**
 * What the repository's helpers (the {@link LoaderPool}, the {@link DirectoryWatcher} and the {@link ModelInstaller})
 * ask of the repository that holds them, handed to them in its place so that they stand below it: its settings and
 * listener, its versions and their room, whether it closed, and its poll; what they decide together with it, they
 * decide under its {@link #lock()}.
 */
interface RepositoryState {

    /** The repository's one logger, which log settings name: its helpers log under it too. */
    System.Logger LOG = System.getLogger("org.tabserve.repository.ModelRepository");

    /** @return the repository's lock, which {@link #slot} and {@link #checkRoom} are called under */
    Object lock();

    /** @return the settings the repository runs with */
    RepositoryOptions options();

    /** @return whom to tell of loads, failures, unloads and scans */
    RepositoryListener listener();

    /** @return whether the repository was closed */
    boolean closed();

    /** @return the model directory; only asked where there is one */
    default Path directory() {
        return options()
                .directory()
                .orElseThrow(() -> new RepositoryException(
                        RepositoryException.Kind.NOT_FOUND,
                        "tabserve was started without --models: it serves the one model it was given, and loads no"
                                + " other"));
    }

    /** @return every version known, of every model */
    List<ServedModel> versions();

    /** @throws RepositoryException of kind {@link RepositoryException.Kind#LIMIT} when {@code key} would not fit */
    void checkRoom(ModelKey key);

    /** @return the live holder of {@code key}; with {@code create}, a new one replacing none or an unloading one */
    ServedModel slot(ModelKey key, boolean create);

    /**
     * The poll timer's turn: a store's cache brought in step, outside the lock (nothing for a directory), then one
     * scan, and the loads and unloads it calls for, under it.
     */
    void poll();
}
