package org.tabserve.repository;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Keeps the repository in step with its directory: scans it ({@link ModelFiles}), polls it on a timer, and decides
 * what to load, reload or unload; the {@link LoaderPool} does the loading. A half-written file is not loaded: after
 * start-up a new or changed file is loaded only once two scans in a row found the same size, time and identity; an
 * explicitly unloaded model stays unloaded until its files change.
 *
 * <p>Every method but {@link #close()} runs under the repository's lock, which guards this class's state too.
 */
final class DirectoryWatcher {

    /** The repository's one logger, which log settings name: its work logs as it did before it was split. */
    private static final System.Logger LOG = RepositoryState.LOG;

    /** The most skipped entries {@link #skipped()} keeps for the index: a directory of many is told in full by the log. */
    static final int SKIPPED_KEPT = 100;

    private final RepositoryState repository;
    private final LoaderPool loaders;
    private final ScheduledExecutorService timer;

    // Guarded by the repository: what scans and explicit calls decide together.
    /** New or changed files seen by the last scan, waiting for a second scan to find them unchanged. */
    private final Map<ModelKey, FileStamp> pending = new HashMap<>();
    /** Explicitly unloaded models, with their files as they were then. */
    private final Map<String, Map<ModelKey, FileStamp>> unloaded = new HashMap<>();
    /** Skipped paths already logged, so a poll does not repeat them. */
    private final Set<String> reported = new HashSet<>();
    /** What the last scan skipped, at most {@link #SKIPPED_KEPT} of it, by path; read without the lock. */
    private volatile List<SkippedEntry> skipped = List.of();
    /** How many entries the last scan skipped. */
    private volatile int skippedCount;

    private boolean scanFailureLogged;
    /** How many model versions past the scan's ceiling the log last told of. */
    private int pastCeilingReported;

    /** @param pollInterval how often to poll; zero for never */
    DirectoryWatcher(RepositoryState repository, LoaderPool loaders, Duration pollInterval) {
        this.repository = repository;
        this.loaders = loaders;
        this.timer = pollInterval.isZero()
                ? null
                : Executors.newSingleThreadScheduledExecutor(LoaderPool.threads("tabserve-model-poll"));
    }

    /**
     * Scans the directory, starts loading every model in it (all at once: at start-up files are taken as complete),
     * then polls it if a poll interval is set.
     *
     * @return completes when every model found has loaded or failed
     * @throws RepositoryException of kind {@link RepositoryException.Kind#IO} when the directory cannot be read
     */
    CompletableFuture<Void> start(Path directory, Duration pollInterval) {
        ModelFiles.Scan scan;
        try {
            scan = ModelFiles.scan(directory, repository.options().maxModelFiles());
        } catch (IOException e) {
            throw new RepositoryException(
                    RepositoryException.Kind.IO,
                    "cannot read the model directory " + directory + " (" + e
                            + "); --models must name a readable directory",
                    e);
        }
        LOG.log(
                System.Logger.Level.INFO,
                "Model repository {0}: {1} model version(s) found, loading",
                directory,
                scan.found().size());
        CompletableFuture<Void> startup = reconcile(scan, true, false, name -> true);
        repository.listener().scanned();
        if (timer != null) {
            long millis = pollInterval.toMillis();
            timer.scheduleWithFixedDelay(this::pollQuietly, millis, millis, TimeUnit.MILLISECONDS);
        }
        return startup;
    }

    /** One scan, then the loads and unloads it calls for (see {@code ModelRepository.pollOnce}). */
    CompletableFuture<Void> poll() {
        ModelFiles.Scan scan;
        try {
            scan = ModelFiles.scan(repository.directory(), repository.options().maxModelFiles());
            scanFailureLogged = false;
        } catch (IOException e) {
            // A volume briefly gone (remounted) must not unload every model: keep serving, try again next time.
            if (!scanFailureLogged) {
                LOG.log(
                        System.Logger.Level.WARNING,
                        "Cannot read the model directory " + repository.directory()
                                + "; the loaded models keep serving",
                        e);
                scanFailureLogged = true;
            }
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> work = reconcile(scan, false, false, name -> true);
        repository.listener().scanned();
        return work;
    }

    /**
     * Loads every version of {@code name} found now, taking its files as complete (see
     * {@code ModelRepository.load}), and ends an earlier unload of it.
     *
     * @throws RepositoryException of kind {@link RepositoryException.Kind#NOT_FOUND} when the directory holds no such
     *         model, {@link RepositoryException.Kind#LIMIT} when its files are past {@code tabserve.max-model-files},
     *         or {@link RepositoryException.Kind#IO}
     */
    CompletableFuture<Void> load(String name) {
        return load(name, false);
    }

    /**
     * As {@link #load(String)}, and with {@code force} every version found is read again even when its file looks
     * unchanged (a forced reload: the version that serves now keeps serving until the new load is ready, or if it
     * fails).
     */
    CompletableFuture<Void> load(String name, boolean force) {
        ModelFiles.Scan scan = scanNow();
        if (scan.found().keySet().stream().noneMatch(key -> key.name().equals(name))) {
            scan.skipped().values().stream()
                    .filter(entry -> entry.fix().equals(ModelFiles.CEILING_FIX)
                            && (entry.path().equals(name + ".onnx")
                                    || entry.path().startsWith(name + "/")))
                    .findFirst()
                    .ifPresent(entry -> {
                        throw new RepositoryException(
                                RepositoryException.Kind.LIMIT,
                                "model '" + name + "' is not listed: " + entry.reason() + "; " + entry.fix());
                    });
            throw new RepositoryException(
                    RepositoryException.Kind.NOT_FOUND,
                    "no model '" + name + "' in "
                            + repository.directory() + ": expected " + name + ".onnx, " + name + "/<version>/"
                            + ModelFiles.MODEL_FILE + " or " + name + "/" + ModelFiles.MODEL_FILE);
        }
        unloaded.remove(name);
        return reconcile(scan, true, force, name::equals);
    }

    /** Keeps model {@code name} unloaded until its files change, as they are now (if there is a directory). */
    void holdUnloaded(String name) {
        Map<ModelKey, FileStamp> files = new HashMap<>();
        try {
            if (repository.options().directory().isPresent()) {
                ModelFiles.scan(repository.directory(), repository.options().maxModelFiles())
                        .found()
                        .forEach((key, stamp) -> {
                            if (key.name().equals(name)) {
                                files.put(key, stamp);
                            }
                        });
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "Cannot scan while unloading " + name, e);
        }
        unloaded.put(name, files);
        pending.keySet().removeIf(key -> key.name().equals(name));
    }

    /** Model {@code name} is served again by an explicit call: a scan may load and unload it as usual. */
    void released(String name) {
        unloaded.remove(name);
    }

    /** {@code key}'s file was just installed and serves: nothing of it waits for a second scan. */
    void installed(ModelKey key) {
        pending.remove(key);
        unloaded.remove(key.name());
    }

    /** Stops polling. */
    void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    /**
     * Brings the models {@code names} accepts in step with {@code scan}.
     *
     * @param immediate load new and changed files now (start-up, explicit load), rather than after a second scan
     * @param force     load the files found even when they are the ones loaded (a forced reload)
     */
    private CompletableFuture<Void> reconcile(
            ModelFiles.Scan scan, boolean immediate, boolean force, Predicate<String> names) {
        report(scan);
        SortedMap<ModelKey, FileStamp> found = scan.found();
        List<CompletableFuture<Void>> work = new ArrayList<>();
        Set<String> stillUnloaded = new HashSet<>();
        for (Map.Entry<String, Map<ModelKey, FileStamp>> entry : unloaded.entrySet()) {
            Map<ModelKey, FileStamp> now = new HashMap<>();
            found.forEach((key, stamp) -> {
                if (key.name().equals(entry.getKey())) {
                    now.put(key, stamp);
                }
            });
            if (now.equals(entry.getValue())) {
                stillUnloaded.add(entry.getKey());
            }
        }
        unloaded.keySet().retainAll(stillUnloaded); // files changed: the model is the directory's again
        for (Map.Entry<ModelKey, FileStamp> entry : found.entrySet()) {
            ModelKey key = entry.getKey();
            FileStamp stamp = entry.getValue();
            if (!names.test(key.name()) || unloaded.containsKey(key.name())) {
                continue;
            }
            ServedModel served = repository.slot(key, false);
            boolean live = served != null && served.state() != ModelState.UNLOADING;
            boolean current = live && !force && stamp.equals(served.attempted());
            if (current && (!immediate || served.state() == ModelState.READY || served.state() == ModelState.LOADING)) {
                pending.remove(key);
                continue;
            }
            if (!immediate && !stamp.equals(pending.put(key, stamp))) {
                continue; // first seen, or changed since the last scan: perhaps still being written
            }
            pending.remove(key);
            work.add(scheduleLoad(key, stamp));
        }
        pending.keySet().removeIf(key -> !found.containsKey(key));
        for (ServedModel served : repository.versions()) {
            ModelKey key = served.key();
            if (names.test(key.name()) && !found.containsKey(key) && served.state() != ModelState.UNLOADING) {
                LOG.log(System.Logger.Level.INFO, "{0}: its file is gone, unloading", key);
                work.add(loaders.submit(key.name(), served::unload));
            }
        }
        return CompletableFuture.allOf(work.toArray(CompletableFuture[]::new));
    }

    private CompletableFuture<Void> scheduleLoad(ModelKey key, FileStamp stamp) {
        ServedModel served = repository.slot(key, true);
        if (!served.loaded()) {
            try {
                repository.checkRoom(key);
            } catch (RepositoryException e) {
                // No stamp recorded: tried again at the next scans, but told only once while the reason stays.
                if (served.failed(e.getMessage())) {
                    repository.listener().failed(key.name(), key.version(), e.getMessage());
                    LOG.log(System.Logger.Level.WARNING, e.getMessage());
                }
                return CompletableFuture.completedFuture(null);
            }
        }
        served.attempting(stamp);
        return loaders.submit(key.name(), () -> loaders.loadNow(served, stamp));
    }

    private ModelFiles.Scan scanNow() {
        try {
            return ModelFiles.scan(repository.directory(), repository.options().maxModelFiles());
        } catch (IOException e) {
            throw new RepositoryException(
                    RepositoryException.Kind.IO,
                    "cannot read the model directory " + repository.directory() + " (" + e + ")",
                    e);
        }
    }

    /** @return what the last scan skipped, at most {@link #SKIPPED_KEPT} entries, by path */
    List<SkippedEntry> skipped() {
        return skipped;
    }

    /** @return how many entries the last scan skipped, those past {@link #SKIPPED_KEPT} too */
    int skippedCount() {
        return skippedCount;
    }

    private void report(ModelFiles.Scan scan) {
        Map<Path, SkippedEntry> skipped = scan.skipped();
        int most = repository.options().maxModelFiles();
        String pastCeiling = scan.pastCeiling() == 0 ? null : ModelFiles.pastCeiling(most, most + scan.pastCeiling());
        skipped.forEach((path, entry) -> {
            // The versions past the ceiling are told in one line below, not one each (they may be thousands).
            if (!entry.reason().equals(pastCeiling) && reported.add(path + ": " + entry.reason())) {
                LOG.log(
                        System.Logger.Level.WARNING,
                        "Model repository: skipping {0}: {1}; {2}",
                        path,
                        entry.reason(),
                        entry.fix());
            }
        });
        if (scan.pastCeiling() != pastCeilingReported) {
            pastCeilingReported = scan.pastCeiling();
            if (pastCeiling != null) {
                LOG.log(
                        System.Logger.Level.WARNING,
                        "Model repository: skipping {0} model version(s): {1}; {2}",
                        scan.pastCeiling(),
                        pastCeiling.replace("; this one is past them", ""),
                        ModelFiles.CEILING_FIX);
            }
        }
        this.skipped = skipped.values().stream().limit(SKIPPED_KEPT).toList();
        this.skippedCount = skipped.size();
    }

    private void pollQuietly() {
        try {
            repository.poll();
        } catch (RuntimeException e) {
            // An exception would end the timer's schedule: log it and poll again next time.
            LOG.log(System.Logger.Level.ERROR, "Polling the model directory failed", e);
        }
    }
}
