package org.tabserve.repository;

import java.time.Duration;
import org.tabserve.model.Model;

/**
 * What the repository tells its owner as models come and go, so that metrics (load time, model info, per-model
 * series) follow them without this package knowing any metrics library. Calls come from the repository's loader
 * threads, or from the thread that closes a model's last lease; they must be quick and must not throw.
 */
public interface RepositoryListener {

    /** Listens to nothing. */
    RepositoryListener NONE = new RepositoryListener() {};

    /**
     * A version was loaded, or reloaded from a changed file; it serves from now on.
     *
     * @param loadTime how long loading and warming it up took
     */
    default void loaded(String name, long version, Model model, Duration loadTime) {}

    /**
     * A version could not be loaded; {@code reason} is what the index shows. Told when its state or reason changes,
     * not again each time a scan retries it for the same reason (one past {@code --max-models}).
     */
    default void failed(String name, long version, String reason) {}

    /** A version is gone: removed, and its last request is done (its session is closed). */
    default void unloaded(String name, long version) {}

    /**
     * The directory was scanned (at start, at each poll): what else its models' directories hold (a rollout's
     * {@code rollout.json}) may be read again now.
     */
    default void scanned() {}
}
