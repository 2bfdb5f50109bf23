package org.tabserve.repository;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.tabserve.model.Model;
import org.tabserve.model.loading.ModelLoader;

/**
 * Serves every model in a directory and keeps them in step with it, while requests run: it holds the index of every
 * version and its state, lends requests the model they ask for ({@link #lease}) and answers the repository index;
 * the {@link DirectoryWatcher} finds models ({@link ModelFiles} lists the layouts), reloads a file that changed and
 * unloads one that went, the {@link LoaderPool} loads them, and the {@link ModelInstaller} writes uploads.
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
 *
 * <p>It decides what changes (start, poll, load, unload, install, serve, close) under its lock; the versions
 * themselves, and the questions requests ask of them (lease, index, default model), are the {@link ModelIndex}'s.
 */
public final class ModelRepository implements AutoCloseable {

    private static final System.Logger LOG = RepositoryState.LOG;

    /** The most skipped entries {@link #skipped()} keeps for the index: a directory of many is told in full by the log. */
    public static final int SKIPPED_KEPT = DirectoryWatcher.SKIPPED_KEPT;

    private final RepositoryOptions options;
    private final RepositoryListener listener;
    private final LoaderPool loaders;
    private final DirectoryWatcher watcher;
    private final ModelInstaller installer;
    /** Where the models live when the directory is a store's cache ({@code s3://}); null for a local directory. */
    private final StoreSide store;
    /** Every model version the repository knows of, by name, then version. */
    private final ModelIndex models = new ModelIndex();
    /** What the helpers ask of this repository, handed to them in its place. */
    private final RepositoryState state = new State();

    // Guarded by this, as is the watcher's state: what scans, loads, installs and explicit calls decide together.
    private boolean started;

    private volatile CompletableFuture<Void> startup;
    private volatile boolean closed;

    /** A repository for {@code options.directory()}; nothing happens before {@link #start()}. */
    public ModelRepository(RepositoryOptions options, RepositoryListener listener) {
        this(options, listener, ModelLoader::load, null);
    }

    /** A repository whose directory is {@code store}'s cache, which the store fills before each scan. */
    public ModelRepository(RepositoryOptions options, RepositoryListener listener, ModelStore store) {
        this(options, listener, ModelLoader::load, store);
    }

    /** @param loader loads one model file: {@link ModelLoader#load(Path)}, or in tests one that waits on a signal */
    ModelRepository(RepositoryOptions options, RepositoryListener listener, Function<Path, Model> loader) {
        this(options, listener, loader, null);
    }

    private ModelRepository(
            RepositoryOptions options, RepositoryListener listener, Function<Path, Model> loader, ModelStore store) {
        if (store != null && !options.directory().equals(Optional.of(store.cache()))) {
            throw new IllegalArgumentException("the repository's directory must be the store's cache");
        }
        this.store = store == null ? null : new StoreSide(store, models::versions);
        this.options = options;
        this.listener = listener;
        this.loaders = new LoaderPool(state, loader, options.loadThreads());
        this.watcher = new DirectoryWatcher(state, loaders, options.pollInterval());
        this.installer = new ModelInstaller(state, loaders, watcher);
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
        if (store != null) {
            store.refresh(false, Optional.empty()); // what the cache held from a previous run serves if this fails
        }
        startup = watcher.start(state.directory(), options.pollInterval());
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
        return watcher.poll();
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
            work = watcher.load(name);
        }
        return work.thenApply(ignored -> models.statuses(name));
    }

    /**
     * Reads model {@code name} again now, even when its files look unchanged (a store's objects downloaded again); a
     * version that serves keeps serving until its new load is ready, or when that fails (its reason says why).
     *
     * @return completes with the model's versions as they are after loading
     * @throws RepositoryException as {@link #load(String)} does
     */
    public CompletableFuture<List<ModelStatus>> reload(String name) {
        ModelKey.checkName(name);
        if (store != null) {
            store.refresh(true, Optional.of(name));
        }
        CompletableFuture<Void> work;
        synchronized (this) {
            work = watcher.load(name, true);
        }
        return work.thenApply(ignored -> models.statuses(name));
    }

    /** @return how the store the models come from is, when they come from one ({@code s3://}) */
    public Optional<ModelStore.State> store() {
        return store == null ? Optional.empty() : Optional.of(store.state());
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
            List<ServedModel> versions = models.versions(name);
            if (versions.stream().allMatch(s -> s.state() == ModelState.UNLOADING)) {
                throw new RepositoryException(
                        RepositoryException.Kind.NOT_FOUND,
                        "no model '" + name + "' is loaded; models: " + models.names());
            }
            watcher.holdUnloaded(name);
            for (ServedModel served : versions) {
                work.add(loaders.submit(name, served::unload));
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
        return installer.install(name, body);
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
            served = models.highestLive(name).orElseGet(() -> state.slot(new ModelKey(name, 1), true));
            watcher.released(name);
            if (closed || !served.serve(model, served.attempted())) {
                throw new RepositoryException(
                        RepositoryException.Kind.IO, "the repository is closed; " + name + " was not served");
            }
        }
        LOG.log(System.Logger.Level.INFO, LoaderPool.loadedLine(served.key(), model, loadTime));
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
        return models.lease(name);
    }

    /**
     * Lends version {@code version} of model {@code name}.
     *
     * @throws RepositoryException of kind {@link RepositoryException.Kind#NOT_FOUND} when that version is not
     *         ready, saying which versions are
     */
    public Lease lease(String name, long version) {
        return models.lease(name, version);
    }

    /** @return the versions of {@code name} that are ready, lowest first */
    public List<Long> readyVersions(String name) {
        return models.readyVersions(name);
    }

    /** @return every model version known, with its state (and why, when it is not ready), by name and version */
    public List<ModelStatus> index() {
        return models.statuses();
    }

    /**
     * @return the entries of the model directory its last scan skipped though they look meant as models, each with
     *         why and the fix, by path: at most {@value #SKIPPED_KEPT} ({@link #skippedCount()} says
     *         how many there were); none without a directory
     */
    public List<SkippedEntry> skipped() {
        return store == null ? watcher.skipped() : store.skipped(watcher.skipped(), SKIPPED_KEPT);
    }

    /** @return how many entries the model directory's last scan skipped ({@link #skipped()}) */
    public int skippedCount() {
        return watcher.skippedCount() + (store == null ? 0 : store.problems());
    }

    /**
     * @return the model the root routes answer with: {@code --default-model} when set (even while it is not ready,
     *         so that those routes say why), else the first by name of the models with a ready version that has a
     *         card, else of those with a ready version, else the first by name of all; empty when the repository is empty
     */
    public Optional<String> defaultModel() {
        if (options.defaultModel().isPresent()) {
            return options.defaultModel();
        }
        return models.firstByName();
    }

    /**
     * @return whether the repository is ready to serve: every model found at start has loaded or failed, and at
     *         least one version is ready
     */
    public boolean ready() {
        CompletableFuture<Void> first = startup;
        return first != null && first.isDone() && models.anyReady();
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
        watcher.close();
        if (store != null) {
            store.close();
        }
        loaders.close();
        models.versions().forEach(ServedModel::unload);
    }

    /** The repository as its helpers see it (callers of slot and checkRoom hold its lock). */
    private final class State implements RepositoryState {

        @Override
        public Object lock() {
            return ModelRepository.this;
        }

        @Override
        public RepositoryOptions options() {
            return options;
        }

        @Override
        public boolean closed() {
            return closed;
        }

        @Override
        public RepositoryListener listener() {
            return listener;
        }

        @Override
        public List<ServedModel> versions() {
            return models.versions();
        }

        @Override
        public void checkRoom(ModelKey key) {
            models.checkRoom(key, options.maxModels());
        }

        @Override
        public ServedModel slot(ModelKey key, boolean create) {
            ServedModel served = models.get(key);
            if (!create || (served != null && served.state() != ModelState.UNLOADING)) {
                return served;
            }
            return models.replace(key, this::gone);
        }

        /** An unloaded version's last lease closed: forget it (unless a new load of it took its place). */
        private void gone(ServedModel served) {
            ModelKey key = served.key();
            synchronized (ModelRepository.this) {
                models.remove(served);
            }
            LOG.log(System.Logger.Level.INFO, "{0} unloaded", key);
            listener.unloaded(key.name(), key.version());
        }

        @Override
        public void poll() {
            if (store != null && !closed) {
                store.refresh(false, Optional.empty()); // outside the lock: a store's requests must not hold up loads
            }
            pollOnce();
        }
    }
}
