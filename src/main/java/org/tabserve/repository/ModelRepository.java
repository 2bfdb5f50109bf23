package org.tabserve.repository;

import org.tabserve.model.ModelException;
import org.tabserve.model.Model;
import org.tabserve.model.onnx.OnnxModelLoader;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Serves every model in a directory and keeps them in step with it: finds them ({@link ModelFiles} lists the
 * layouts), loads each on a small pool of loader threads, reloads a file that changed and unloads one that went, while
 * requests run; it lends requests the model they ask for ({@link #lease}) and answers the repository index.
 *
 * <p>Rules it keeps:
 * <ul>
 *   <li>Loading or failing one model never holds up another: loads run on {@link RepositoryOptions#loadThreads()}
 *       threads, one model's tasks one after another ({@link ModelLanes}).</li>
 *   <li>A file that fails to load leaves its version {@link ModelState#UNAVAILABLE} with the reason, or, if an older
 *       load of it was serving, that one keeps serving. Unversioned requests get the highest version that is
 *       {@link ModelState#READY}.</li>
 *   <li>A half-written file is not loaded: after start-up a new or changed file is loaded only once two scans in a
 *       row found the same size, time and identity. Adding a model safely is still "copy under a hidden name (or
 *       elsewhere on the same file system), then rename into place"; a file rewritten in place while loading could
 *       be read torn.</li>
 *   <li>At most {@link RepositoryOptions#maxModels()} versions are loaded (or loading); past it a version is
 *       {@link ModelState#UNAVAILABLE} saying so, and is tried again while its file stays.</li>
 *   <li>An explicit {@link #unload} holds until that model's files change or {@link #load} is called: a scan does
 *       not bring it back.</li>
 * </ul>
 */
public final class ModelRepository implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ModelRepository.class.getName());

    private final RepositoryOptions options;
    private final RepositoryListener listener;
    private final Function<Path, Model> loader;
    private final ExecutorService loadThreads;
    private final ModelLanes lanes;
    private final ScheduledExecutorService timer;
    /** Every model version the repository knows of, by name, then version. */
    private final Map<String, NavigableMap<Long, ServedModel>> models = new ConcurrentHashMap<>();

    // Guarded by this: what scans and explicit calls decide together.
    /** New or changed files seen by the last scan, waiting for a second scan to find them unchanged. */
    private final Map<ModelKey, FileStamp> pending = new HashMap<>();
    /** Explicitly unloaded models, with their files as they were then. */
    private final Map<String, Map<ModelKey, FileStamp>> unloaded = new HashMap<>();
    /** Skipped paths already logged, so a poll does not repeat them. */
    private final Set<String> reported = new HashSet<>();
    private boolean started;
    private boolean scanFailureLogged;

    private volatile CompletableFuture<Void> startup;
    private volatile boolean closed;

    /** A repository for {@code options.directory()}; nothing happens before {@link #start()}. */
    public ModelRepository(RepositoryOptions options, RepositoryListener listener) {
        this(options, listener, OnnxModelLoader::load);
    }

    /** @param loader loads one model file: {@link OnnxModelLoader#load(Path)}, or in tests one that waits on a signal */
    ModelRepository(RepositoryOptions options, RepositoryListener listener, Function<Path, Model> loader) {
        this.options = options;
        this.listener = listener;
        this.loader = loader;
        this.loadThreads = Executors.newFixedThreadPool(options.loadThreads(), threads("tabserve-model-loader"));
        this.lanes = new ModelLanes(loadThreads);
        this.timer = options.pollInterval().isZero() ? null
                : Executors.newSingleThreadScheduledExecutor(threads("tabserve-model-poll"));
    }

    /**
     * Scans the directory and starts loading every model in it (all at once: at start-up files are taken as
     * complete), then polls it if a poll interval is set.
     *
     * @return completes when every model found has loaded or failed; {@link #ready()} tells which
     * @throws RepositoryException of kind {@link RepositoryException.Kind#IO} when the directory cannot be read
     */
    public synchronized CompletableFuture<Void> start() {
        if (started) {
            throw new IllegalStateException("the repository was started already");
        }
        started = true;
        if (options.directory().isEmpty()) {
            startup = CompletableFuture.completedFuture(null); // the one model comes through serve()
            return startup;
        }
        ModelFiles.Scan scan;
        try {
            scan = ModelFiles.scan(directory());
        } catch (IOException e) {
            throw new RepositoryException(RepositoryException.Kind.IO, "cannot read the model directory "
                    + directory() + " (" + e + "); --models must name a readable directory", e);
        }
        LOG.log(System.Logger.Level.INFO, "Model repository {0}: {1} model version(s) found, loading",
                directory(), scan.found().size());
        startup = reconcile(scan, true, name -> true);
        if (timer != null) {
            long millis = options.pollInterval().toMillis();
            timer.scheduleWithFixedDelay(this::pollQuietly, millis, millis, TimeUnit.MILLISECONDS);
        }
        return startup;
    }

    /**
     * Scans the directory once and loads, reloads or unloads what changed; the poll timer calls this, and so may
     * tests and operators. A new or changed file is loaded by the scan after the one that first saw it, if it is
     * still the same then.
     *
     * @return completes when the loads and unloads this scan started are done
     */
    public synchronized CompletableFuture<Void> pollOnce() {
        if (options.directory().isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        if (closed) {
            return CompletableFuture.completedFuture(null);
        }
        ModelFiles.Scan scan;
        try {
            scan = ModelFiles.scan(directory());
            scanFailureLogged = false;
        } catch (IOException e) {
            // A volume briefly gone (remounted) must not unload every model: keep serving, try again next time.
            if (!scanFailureLogged) {
                LOG.log(System.Logger.Level.WARNING, "Cannot read the model directory " + directory()
                        + "; the loaded models keep serving", e);
                scanFailureLogged = true;
            }
            return CompletableFuture.completedFuture(null);
        }
        return reconcile(scan, false, name -> true);
    }

    /**
     * Loads, or reloads when its files changed, every version of model {@code name} found in the directory now, and
     * unloads its versions no longer there: what KServe's model agent asks for after it puts
     * {@code <dir>/<name>} in place. Files are taken as complete (no second scan). Ends an earlier {@link #unload}.
     *
     * @return completes with the model's versions as they are after loading (a failed one is
     *         {@link ModelState#UNAVAILABLE} with its reason, one past {@code --max-models} too)
     * @throws RepositoryException of kind {@link RepositoryException.Kind#NOT_FOUND} when the directory holds no such
     *         model (saying where it looked), {@link RepositoryException.Kind#INVALID_NAME}, or
     *         {@link RepositoryException.Kind#IO} when the directory cannot be read
     */
    public CompletableFuture<List<ModelStatus>> load(String name) {
        CompletableFuture<Void> work;
        synchronized (this) {
            ModelKey.checkName(name);
            ModelFiles.Scan scan = scanNow();
            if (scan.found().keySet().stream().noneMatch(key -> key.name().equals(name))) {
                throw new RepositoryException(RepositoryException.Kind.NOT_FOUND, "no model '" + name + "' in "
                        + directory() + ": expected " + name + ".onnx, " + name + "/<version>/"
                        + ModelFiles.MODEL_FILE + " or " + name + "/" + ModelFiles.MODEL_FILE);
            }
            unloaded.remove(name);
            work = reconcile(scan, true, name::equals);
        }
        return work.thenApply(ignored -> statuses(name));
    }

    /**
     * Unloads every version of model {@code name}: new requests get a 404 at once, requests in flight finish, then
     * the sessions close. The files stay; a scan does not load them again until they change or {@link #load} asks.
     *
     * @return completes when every version is {@link ModelState#UNLOADING} or gone
     * @throws RepositoryException of kind {@link RepositoryException.Kind#NOT_FOUND} when no such model is loaded
     */
    public CompletableFuture<Void> unload(String name) {
        ModelKey.checkName(name);
        List<CompletableFuture<Void>> work = new ArrayList<>();
        synchronized (this) {
            NavigableMap<Long, ServedModel> versions = models.get(name);
            if (versions == null || versions.values().stream().allMatch(s -> s.state() == ModelState.UNLOADING)) {
                throw new RepositoryException(RepositoryException.Kind.NOT_FOUND, "no model '" + name
                        + "' is loaded; models: " + names());
            }
            Map<ModelKey, FileStamp> files = new HashMap<>();
            try {
                if (options.directory().isPresent()) {
                    ModelFiles.scan(directory()).found().forEach((key, stamp) -> {
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
            for (ServedModel served : versions.values()) {
                work.add(lanes.submit(name, served::unload));
            }
        }
        return CompletableFuture.allOf(work.toArray(CompletableFuture[]::new));
    }

    /**
     * Writes a model file into the directory where the directory serves {@code name} from, and serves it: a new
     * version after the highest in Triton's layout, the model's file in KServe's or as {@code <name>.onnx} (see
     * {@link ModelFiles#installTarget}), never outside the directory. The body streams to a hidden temporary file
     * (never into the heap), is flushed to disk, loaded and warmed up from there, and only then renamed over the old
     * file, so a bad upload changes nothing and a crash leaves either the old file or the new one.
     *
     * @param body the ONNX file's bytes; the caller bounds its length
     * @return completes with the version's status once it serves; fails with a {@link RepositoryException} of kind
     *         {@link RepositoryException.Kind#INVALID_MODEL} (with the reason, and no path), {@link
     *         RepositoryException.Kind#LIMIT}, {@link RepositoryException.Kind#NOT_WRITABLE} (also: the target is under
     *         a link leading outside the directory) or {@link RepositoryException.Kind#IO}
     * @throws IOException when reading {@code body} fails
     */
    public CompletableFuture<ModelStatus> install(String name, InputStream body) throws IOException {
        ModelKey.checkName(name);
        if (options.directory().isEmpty()) {
            throw new RepositoryException(RepositoryException.Kind.NOT_WRITABLE, "tabserve was started without "
                    + "--models, so there is no model directory to keep an uploaded model in");
        }
        Path directory = directory();
        if (!Files.isWritable(directory)) {
            throw new RepositoryException(RepositoryException.Kind.NOT_WRITABLE, "the model directory " + directory
                    + " is not writable, so an uploaded model could not survive a restart");
        }
        Path temporary = directory.resolve("." + name + "." + UUID.randomUUID() + ".onnx.part");
        try {
            writeDurably(body, temporary);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
        CompletableFuture<ModelStatus> done = new CompletableFuture<>();
        lanes.submit(name, () -> {
            ModelStatus status = null;
            Throwable failure = null;
            try {
                status = installNow(name, temporary);
            } catch (Throwable e) { // an Error too: the caller's future must complete whatever happened
                failure = e;
            }
            try {
                Files.deleteIfExists(temporary); // gone already when it was renamed into place
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "Cannot delete " + temporary, e);
            }
            if (failure != null) {
                done.completeExceptionally(failure);
            } else {
                done.complete(status);
            }
        }).exceptionally(failure -> { // the task never ran (the repository is closing)
            done.completeExceptionally(failure instanceof CompletionException ? failure.getCause() : failure);
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "Cannot delete " + temporary, e);
            }
            return null;
        });
        return done;
    }

    /** Runs on {@code name}'s lane: loads the temporary file, renames it into place, serves it. */
    private ModelStatus installNow(String name, Path temporary) {
        ModelFiles.Target chosen;
        synchronized (this) {
            chosen = installTarget(name);
        }
        ModelKey key = chosen.key();
        Path target = chosen.file();
        long start = System.nanoTime();
        Model model;
        try {
            model = loader.apply(temporary);
        } catch (Throwable e) { // an Error too (see loadNow): the upload is refused, the caller told why
            String reason = LoadFailure.reason(key, directory(), temporary, "the uploaded file", e);
            if (e instanceof ModelException) {
                LOG.log(System.Logger.Level.WARNING, "Refused an upload of {0}: {1}", key, e.getMessage());
            } else {
                LOG.log(System.Logger.Level.ERROR, "Refused an upload of " + key + ": it failed to load", e);
            }
            throw new RepositoryException(RepositoryException.Kind.INVALID_MODEL, "model '" + name
                    + "' was not installed, nothing changed: " + reason, e);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        ServedModel served;
        synchronized (this) {
            try {
                if (!installTarget(name).equals(chosen)) {
                    throw new RepositoryException(RepositoryException.Kind.NOT_WRITABLE, "the model directory's "
                            + name + " changed while the upload was loaded; nothing was installed, try again");
                }
                moveIntoPlace(temporary, target);
                FileStamp stamp = FileStamp.of(target);
                served = slot(key, true);
                served.attempting(stamp);
                pending.remove(key);
                unloaded.remove(name);
                if (closed || !served.serve(model, stamp)) {
                    throw new RepositoryException(RepositoryException.Kind.IO, "the repository closed while "
                            + key + " was being installed");
                }
            } catch (IOException | RuntimeException e) {
                model.close(); // not served
                if (e instanceof RepositoryException refused) {
                    throw refused;
                }
                throw new RepositoryException(RepositoryException.Kind.IO, "cannot move the uploaded model to "
                        + target + " (" + e + ")", e);
            }
        }
        LOG.log(System.Logger.Level.INFO, "Installed {0} as {1} in {2} ms", key, target, took.toMillis());
        listener.loaded(name, key.version(), model, took);
        return served.status();
    }

    /**
     * Where an install of {@code name} goes, with room for it checked (callers hold this).
     *
     * @throws RepositoryException of kind {@link RepositoryException.Kind#NOT_WRITABLE} or
     *         {@link RepositoryException.Kind#LIMIT}, or {@link RepositoryException.Kind#IO} when the directory
     *         cannot be read
     */
    private ModelFiles.Target installTarget(String name) {
        ModelFiles.Target target;
        try {
            target = ModelFiles.installTarget(directory(), name);
        } catch (IOException e) {
            throw new RepositoryException(RepositoryException.Kind.IO, "cannot read the model directory "
                    + directory() + " (" + e + ")", e);
        }
        ServedModel existing = slot(target.key(), false);
        if (existing == null || existing.state() == ModelState.UNLOADING || !existing.loaded()) {
            checkRoom(target.key());
        }
        return target;
    }

    /**
     * Serves {@code model}, loaded by the caller, as model {@code name}: the one-model way to run (the WAR's model, or
     * {@code --model FILE}, as version 1), and the admin swap where no directory keeps uploads. It replaces the
     * highest version that serves {@code name} now, whose session closes after its last lease; the file it came from
     * (if any) is not touched.
     *
     * @param loadTime how long loading and warming it up took, for the listener
     * @return the version's status: {@link ModelState#READY}
     * @throws RepositoryException of kind {@link RepositoryException.Kind#INVALID_NAME}, or
     *         {@link RepositoryException.Kind#IO} when the repository is closed (the caller then closes
     *         {@code model})
     */
    public ModelStatus serve(String name, Model model, Duration loadTime) {
        ModelKey.checkName(name);
        ServedModel served;
        synchronized (this) {
            NavigableMap<Long, ServedModel> versions = models.get(name);
            ServedModel highest = versions == null ? null : versions.descendingMap().values().stream()
                    .filter(s -> s.state() != ModelState.UNLOADING).findFirst().orElse(null);
            served = highest != null ? highest : slot(new ModelKey(name, 1), true);
            unloaded.remove(name);
            if (closed || !served.serve(model, served.attempted())) {
                throw new RepositoryException(RepositoryException.Kind.IO, "the repository is closed; " + name
                        + " was not served");
            }
        }
        LOG.log(System.Logger.Level.INFO, "Serving {0}", served.key());
        listener.loaded(name, served.key().version(), model, loadTime);
        return served.status();
    }

    /**
     * Lends the highest ready version of model {@code name}.
     *
     * @throws RepositoryException of kind {@link RepositoryException.Kind#NOT_FOUND} (no such model, with the
     *         models there are) or {@link RepositoryException.Kind#UNAVAILABLE} (none of its versions is ready, with
     *         why)
     */
    public Lease lease(String name) {
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
            throw new RepositoryException(RepositoryException.Kind.NOT_FOUND, "no model named '" + name
                    + "'; models: " + names());
        }
        throw new RepositoryException(RepositoryException.Kind.UNAVAILABLE, "model '" + name + "' is not ready: "
                + describe(statuses));
    }

    /**
     * Lends version {@code version} of model {@code name}.
     *
     * @throws RepositoryException of kind {@link RepositoryException.Kind#NOT_FOUND} when that version is not
     *         ready, saying which versions are
     */
    public Lease lease(String name, long version) {
        NavigableMap<Long, ServedModel> versions = models.get(name);
        ServedModel served = versions == null ? null : versions.get(version);
        if (served != null && served.state() == ModelState.READY) {
            Optional<Lease> lease = served.lease();
            if (lease.isPresent()) {
                return lease.get();
            }
        }
        if (versions == null || versions.isEmpty()) {
            throw new RepositoryException(RepositoryException.Kind.NOT_FOUND, "no model named '" + name
                    + "'; models: " + names());
        }
        String why = served == null ? "" : " (" + describe(List.of(served.status())) + ")";
        throw new RepositoryException(RepositoryException.Kind.NOT_FOUND, "version " + version + " of model '"
                + name + "' is not loaded" + why + "; loaded versions: " + readyVersions(name));
    }

    /** @return the versions of {@code name} that are ready, lowest first */
    public List<Long> readyVersions(String name) {
        NavigableMap<Long, ServedModel> versions = models.get(name);
        return versions == null ? List.of() : versions.values().stream()
                .filter(s -> s.state() == ModelState.READY).map(s -> s.key().version()).toList();
    }

    /** @return every model version known, with its state (and why, when it is not ready), by name and version */
    public List<ModelStatus> index() {
        return models.values().stream().flatMap(v -> v.values().stream()).map(ServedModel::status)
                .sorted(Comparator.comparing(ModelStatus::name).thenComparingLong(ModelStatus::version)).toList();
    }

    /**
     * @return the model the root routes answer with: {@code --default-model} when set (even while it is not ready,
     *         so that those routes say why), else the first by name of the models with a ready version, else the
     *         first by name of all; empty when the repository is empty
     */
    public Optional<String> defaultModel() {
        if (options.defaultModel().isPresent()) {
            return options.defaultModel();
        }
        // Asked by every request on a root route: one pass over the names, no index built and sorted.
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
            if ((firstReady == null || name.compareTo(firstReady) < 0)
                    && entry.getValue().values().stream().anyMatch(v -> v.state() == ModelState.READY)) {
                firstReady = name;
            }
        }
        return Optional.ofNullable(firstReady != null ? firstReady : first);
    }

    /**
     * @return whether the repository is ready to serve: every model found at start has loaded or failed, and at
     *         least one version is ready
     */
    public boolean ready() {
        CompletableFuture<Void> first = startup;
        return first != null && first.isDone()
                && models.values().stream().flatMap(v -> v.values().stream())
                .anyMatch(s -> s.state() == ModelState.READY);
    }

    /** @return the settings this repository runs with */
    public RepositoryOptions options() {
        return options;
    }

    /**
     * Stops polling and loading, and lets every model go: each session closes now, or after its last lease.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        if (timer != null) {
            timer.shutdownNow();
        }
        loadThreads.shutdown();
        try {
            if (!loadThreads.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.log(System.Logger.Level.WARNING, "Model loads still running after 30 s; closing anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        models.values().forEach(versions -> versions.values().forEach(ServedModel::unload));
    }

    // ---- scanning and scheduling (callers hold this) ----

    /**
     * Brings the models {@code names} accepts in step with {@code scan}.
     *
     * @param immediate load new and changed files now (start-up, explicit load), rather than after a second scan
     */
    private CompletableFuture<Void> reconcile(ModelFiles.Scan scan, boolean immediate, Predicate<String> names) {
        report(scan.skipped());
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
            ServedModel served = slot(key, false);
            boolean live = served != null && served.state() != ModelState.UNLOADING;
            boolean current = live && stamp.equals(served.attempted());
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
        for (NavigableMap<Long, ServedModel> versions : models.values()) {
            for (ServedModel served : versions.values()) {
                ModelKey key = served.key();
                if (names.test(key.name()) && !found.containsKey(key) && served.state() != ModelState.UNLOADING) {
                    LOG.log(System.Logger.Level.INFO, "{0}: its file is gone, unloading", key);
                    work.add(lanes.submit(key.name(), served::unload));
                }
            }
        }
        return CompletableFuture.allOf(work.toArray(CompletableFuture[]::new));
    }

    private CompletableFuture<Void> scheduleLoad(ModelKey key, FileStamp stamp) {
        ServedModel served = slot(key, true);
        if (!served.loaded()) {
            try {
                checkRoom(key);
            } catch (RepositoryException e) {
                // No stamp recorded: tried again at the next scans, but told only once while the reason stays.
                if (served.failed(e.getMessage())) {
                    listener.failed(key.name(), key.version(), e.getMessage());
                    LOG.log(System.Logger.Level.WARNING, e.getMessage());
                }
                return CompletableFuture.completedFuture(null);
            }
        }
        served.attempting(stamp);
        return lanes.submit(key.name(), () -> loadNow(served, stamp));
    }

    /** Runs on the model's lane. */
    private void loadNow(ServedModel served, FileStamp stamp) {
        ModelKey key = served.key();
        if (closed || served.state() == ModelState.UNLOADING) {
            return;
        }
        long start = System.nanoTime();
        Model model;
        try {
            model = loader.apply(stamp.path());
        } catch (Throwable e) {
            // Errors too: an InternalError from a mapped file changed under the read must not leave the version
            // LOADING and its callers waiting. An OutOfMemoryError never gets here with the shipped flags
            // (-XX:+ExitOnOutOfMemoryError ends the JVM first); without them the failed load's memory is garbage
            // now, and the version is UNAVAILABLE like any other that failed.
            Path directory = directory();
            String reason = LoadFailure.reason(key, directory, stamp.path(), LoadFailure.shown(directory,
                    stamp.path()), e);
            if (served.failed(reason)) {
                listener.failed(key.name(), key.version(), reason);
                if (e instanceof ModelException) {
                    LOG.log(System.Logger.Level.WARNING, "{0}: {1}", key, e.getMessage()); // with the path
                } else {
                    LOG.log(System.Logger.Level.ERROR, key + " failed to load from " + stamp.path(), e);
                }
            }
            return;
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        if (closed || !served.serve(model, stamp)) {
            model.close();
            return;
        }
        LOG.log(System.Logger.Level.INFO, "{0} serves from {1} (loaded in {2} ms)", key, stamp.path(),
                took.toMillis());
        listener.loaded(key.name(), key.version(), model, took);
    }

    /** @throws RepositoryException of kind {@link RepositoryException.Kind#LIMIT} when {@code key} would not fit */
    private void checkRoom(ModelKey key) {
        long busy = models.values().stream().flatMap(v -> v.values().stream())
                .filter(s -> !s.key().equals(key))
                .filter(s -> s.loaded() ? s.state() != ModelState.UNLOADING : s.state() == ModelState.LOADING)
                .count();
        if (busy >= options.maxModels()) {
            // No count of what is loaded in the words: they stay the same while the version waits, so it is told once.
            throw new RepositoryException(RepositoryException.Kind.LIMIT, key + " is not loaded: --max-models ("
                    + RepositoryOptions.MAX_MODELS + ") is " + options.maxModels() + " and that many model versions"
                    + " are loaded or loading; raise it or remove a model");
        }
    }

    /** @return the live holder of {@code key}; with {@code create}, a new one replacing none or an unloading one */
    private ServedModel slot(ModelKey key, boolean create) {
        NavigableMap<Long, ServedModel> versions = models.get(key.name());
        ServedModel served = versions == null ? null : versions.get(key.version());
        if (!create || (served != null && served.state() != ModelState.UNLOADING)) {
            return served;
        }
        ServedModel fresh = new ServedModel(key, this::gone);
        models.computeIfAbsent(key.name(), name -> new ConcurrentSkipListMap<>()).put(key.version(), fresh);
        return fresh;
    }

    /** An unloaded version's last lease closed: forget it (unless a new load of it took its place). */
    private void gone(ServedModel served) {
        ModelKey key = served.key();
        synchronized (this) {
            NavigableMap<Long, ServedModel> versions = models.get(key.name());
            if (versions != null && versions.remove(key.version(), served) && versions.isEmpty()) {
                models.remove(key.name());
            }
        }
        LOG.log(System.Logger.Level.INFO, "{0} unloaded", key);
        listener.unloaded(key.name(), key.version());
    }

    /** The model directory; only called where there is one. */
    private Path directory() {
        return options.directory().orElseThrow(() -> new RepositoryException(RepositoryException.Kind.NOT_FOUND,
                "tabserve was started without --models: it serves the one model it was given, and loads no other"));
    }

    private ModelFiles.Scan scanNow() {
        try {
            return ModelFiles.scan(directory());
        } catch (IOException e) {
            throw new RepositoryException(RepositoryException.Kind.IO, "cannot read the model directory "
                    + directory() + " (" + e + ")", e);
        }
    }

    private void report(Map<Path, String> skipped) {
        skipped.forEach((path, why) -> {
            if (reported.add(path + ": " + why)) {
                LOG.log(System.Logger.Level.WARNING, "Model repository: skipping {0}: {1}", path, why);
            }
        });
    }

    private void pollQuietly() {
        try {
            pollOnce();
        } catch (RuntimeException e) {
            // An exception would end the timer's schedule: log it and poll again next time.
            LOG.log(System.Logger.Level.ERROR, "Polling the model directory failed", e);
        }
    }

    // ---- helpers ----

    private List<ModelStatus> statuses(String name) {
        NavigableMap<Long, ServedModel> versions = models.get(name);
        return versions == null ? List.of() : versions.values().stream().map(ServedModel::status).toList();
    }

    private List<String> names() {
        return models.keySet().stream().sorted().toList();
    }

    private static String describe(List<ModelStatus> statuses) {
        List<String> parts = new ArrayList<>();
        for (ModelStatus status : statuses) {
            parts.add("version " + status.version() + " " + status.state()
                    + status.reason().map(r -> " (" + r + ")").orElse(""));
        }
        return String.join("; ", parts);
    }

    /** Streams {@code body} to a new file and forces it to disk before returning. */
    private static void writeDurably(InputStream body, Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            byte[] chunk = new byte[64 * 1024];
            ByteBuffer buffer = ByteBuffer.wrap(chunk);
            for (int n = body.read(chunk); n >= 0; n = body.read(chunk)) {
                buffer.clear().limit(n);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            }
            channel.force(true);
        }
    }

    /**
     * Renames atomically (making a new version's directory first), then forces the directory entry to disk where the
     * platform allows it. A target on another file system than the directory (a model's directory mounted in it) gets
     * a copy beside it first, which is then renamed: a reader never sees it half-written.
     */
    private static void moveIntoPlace(Path temporary, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        try {
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Path beside = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".part");
            try {
                try (InputStream in = Files.newInputStream(temporary)) {
                    writeDurably(in, beside);
                }
                Files.move(beside, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException again) {
                throw new IOException("the file system cannot rename atomically", again);
            } finally {
                Files.deleteIfExists(beside);
            }
        }
        try (FileChannel directory = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
            directory.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.log(System.Logger.Level.DEBUG, "Cannot force directory " + target.getParent() + " to disk", e);
        }
    }

    private static ThreadFactory threads(String name) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, name + "-" + count.incrementAndGet());
            thread.setDaemon(true); // never keeps the JVM (or a container's undeploy) waiting
            return thread;
        };
    }
}
