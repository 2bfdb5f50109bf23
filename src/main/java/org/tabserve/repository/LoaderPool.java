package org.tabserve.repository;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.tabserve.model.Model;
import org.tabserve.model.signature.ModelException;
import org.tabserve.model.signature.Task;

/**
 * The repository's loader threads: {@link RepositoryOptions#loadThreads()} of them, one model's tasks one after
 * another ({@link ModelLanes}), so that loading or failing one model never holds up another; it loads a version's
 * file and serves it, or records why it failed.
 */
final class LoaderPool {

    /** The repository's one logger, which log settings name: its work logs as it did before it was split. */
    private static final System.Logger LOG = RepositoryState.LOG;

    private final RepositoryState repository;
    private final Function<Path, Model> loader;
    private final ExecutorService loadThreads;
    private final ModelLanes lanes;

    /** @param loader loads one model file: {@link org.tabserve.model.loading.ModelLoader#load(Path)}, or a test's */
    LoaderPool(RepositoryState repository, Function<Path, Model> loader, int threads) {
        this.repository = repository;
        this.loader = loader;
        this.loadThreads = Executors.newFixedThreadPool(threads, threads("tabserve-model-loader"));
        this.lanes = new ModelLanes(loadThreads);
    }

    /**
     * Queues {@code task} behind {@code model}'s earlier tasks.
     *
     * @return completes when the task has run (exceptionally if it threw, or if the pool is closed)
     */
    CompletableFuture<Void> submit(String model, Runnable task) {
        return lanes.submit(model, task);
    }

    /** Loads one model file on the calling thread (a task of this pool). */
    Model load(Path file) {
        return loader.apply(file);
    }

    /**
     * Loads {@code served}'s file as {@code stamp} found it and serves it, or records why it failed; runs on the
     * model's lane.
     */
    void loadNow(ServedModel served, FileStamp stamp) {
        ModelKey key = served.key();
        if (repository.closed() || served.state() == ModelState.UNLOADING) {
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
            Path directory = repository.directory();
            String reason =
                    LoadFailure.reason(key, directory, stamp.path(), LoadFailure.shown(directory, stamp.path()), e);
            if (served.failed(reason)) {
                repository.listener().failed(key.name(), key.version(), reason);
                if (e instanceof ModelException) {
                    LOG.log(System.Logger.Level.WARNING, "{0}: {1}", key, e.getMessage()); // with the path
                } else {
                    LOG.log(System.Logger.Level.ERROR, key + " failed to load from " + stamp.path(), e);
                }
            }
            return;
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        if (repository.closed() || !served.serve(model, stamp)) {
            model.close();
            return;
        }
        LOG.log(System.Logger.Level.INFO, loadedLine(key, model, took));
        repository.listener().loaded(key.name(), key.version(), model, took);
    }

    /**
     * The one line a model loaded logs, whichever way it came (a scan, a load call, an install, the one model served):
     * {@code Loaded titanic v2 (sha256 1a2b3c4d5e6f, 12 inputs, classifier, plain Java) in 84 ms}. Its inputs,
     * classes and outputs are the loader's debug record and {@code /api/model}'s.
     */
    static String loadedLine(ModelKey key, Model model, Duration took) {
        String sha256 = model.sha256();
        int inputs = model.signature().featureCount();
        return "Loaded " + key.name() + " v" + key.version() + " (sha256 "
                + sha256.substring(0, Math.min(12, sha256.length())) + ", " + inputs
                + (inputs == 1 ? " input, " : " inputs, ")
                + (model.signature().task() == Task.REGRESSION ? "regressor" : "classifier") + ", "
                + model.engine().name() + ") in " + took.toMillis() + " ms";
    }

    /** Lets the running loads finish (for at most 30 s) and takes no new ones. */
    void close() {
        loadThreads.shutdown();
        try {
            if (!loadThreads.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.log(System.Logger.Level.WARNING, "Model loads still running after 30 s; closing anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Daemon threads named {@code name-1}, {@code name-2}, ...: never keep the JVM or an undeploy waiting. */
    static ThreadFactory threads(String name) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, name + "-" + count.incrementAndGet());
            thread.setDaemon(true); // never keeps the JVM (or a container's undeploy) waiting
            return thread;
        };
    }
}
