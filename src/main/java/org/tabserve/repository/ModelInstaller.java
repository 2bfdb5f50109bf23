package org.tabserve.repository;

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
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.tabserve.model.Model;
import org.tabserve.model.signature.ModelException;

/**
 * Installs an uploaded model file into the repository's directory and serves it ({@code ModelRepository.install}):
 * the one place that writes into the directory, durably and atomically, so that a bad upload changes nothing and a
 * crash leaves either the old file or the new one. It runs on the model's lane of the {@link LoaderPool} and under the
 * repository's lock where it picks the target and swaps the served version.
 */
final class ModelInstaller {

    /** The repository's one logger, which log settings name: its work logs as it did before it was split. */
    private static final System.Logger LOG = RepositoryState.LOG;

    private final RepositoryState repository;
    private final LoaderPool loaders;
    private final DirectoryWatcher watcher;

    ModelInstaller(RepositoryState repository, LoaderPool loaders, DirectoryWatcher watcher) {
        this.repository = repository;
        this.loaders = loaders;
        this.watcher = watcher;
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
    CompletableFuture<ModelStatus> install(String name, InputStream body) throws IOException {
        ModelKey.checkName(name);
        if (repository.options().directory().isEmpty()) {
            throw new RepositoryException(
                    RepositoryException.Kind.NOT_WRITABLE,
                    "tabserve was started without "
                            + "--models, so there is no model directory to keep an uploaded model in");
        }
        Path directory = repository.directory();
        if (!Files.isWritable(directory)) {
            throw new RepositoryException(
                    RepositoryException.Kind.NOT_WRITABLE,
                    "the model directory " + directory
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
        loaders.submit(name, () -> {
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
                })
                .exceptionally(
                        failure -> { // the task never ran (the repository is closing)
                            done.completeExceptionally(
                                    failure instanceof CompletionException ? failure.getCause() : failure);
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
        synchronized (repository.lock()) {
            chosen = installTarget(name);
        }
        ModelKey key = chosen.key();
        Path target = chosen.file();
        long start = System.nanoTime();
        Model model;
        try {
            model = loaders.load(temporary);
        } catch (Throwable e) { // an Error too (see LoaderPool#loadNow): the upload is refused, the caller told why
            String reason = LoadFailure.reason(key, repository.directory(), temporary, "the uploaded file", e);
            if (e instanceof ModelException) {
                LOG.log(System.Logger.Level.WARNING, "Refused an upload of {0}: {1}", key, e.getMessage());
            } else {
                LOG.log(System.Logger.Level.ERROR, "Refused an upload of " + key + ": it failed to load", e);
            }
            throw new RepositoryException(
                    RepositoryException.Kind.INVALID_MODEL,
                    "model '" + name + "' was not installed, nothing changed: " + reason,
                    e);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        ServedModel served;
        synchronized (repository.lock()) {
            try {
                if (!installTarget(name).equals(chosen)) {
                    throw new RepositoryException(
                            RepositoryException.Kind.NOT_WRITABLE,
                            "the model directory's " + name
                                    + " changed while the upload was loaded; nothing was installed, try again");
                }
                moveIntoPlace(temporary, target);
                FileStamp stamp = FileStamp.of(target);
                served = repository.slot(key, true);
                served.attempting(stamp);
                watcher.installed(key);
                if (repository.closed() || !served.serve(model, stamp)) {
                    throw new RepositoryException(
                            RepositoryException.Kind.IO, "the repository closed while " + key + " was being installed");
                }
            } catch (IOException | RuntimeException e) {
                model.close(); // not served
                if (e instanceof RepositoryException refused) {
                    throw refused;
                }
                throw new RepositoryException(
                        RepositoryException.Kind.IO, "cannot move the uploaded model to " + target + " (" + e + ")", e);
            }
        }
        LOG.log(System.Logger.Level.INFO, "Installed {0} as {1} in {2} ms", key, target, took.toMillis());
        repository.listener().loaded(name, key.version(), model, took);
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
            target = ModelFiles.installTarget(repository.directory(), name);
        } catch (IOException e) {
            throw new RepositoryException(
                    RepositoryException.Kind.IO,
                    "cannot read the model directory " + repository.directory() + " (" + e + ")",
                    e);
        }
        ServedModel existing = repository.slot(target.key(), false);
        if (existing == null || existing.state() == ModelState.UNLOADING || !existing.loaded()) {
            repository.checkRoom(target.key());
        }
        return target;
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
}
