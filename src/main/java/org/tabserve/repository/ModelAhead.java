package org.tabserve.repository;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.tabserve.model.Model;
import org.tabserve.model.loading.ModelLoader;
import org.tabserve.model.onnx.OnnxModelLoader;

/**
 * The one model's load, which {@code java -jar}'s launcher starts ahead, while Jetty is still configuring the web
 * app, so that a start waits for the longer of the two rather than their sum (bench/RESULTS.notes.md, "Issue 38,
 * goal 5"); the web app takes that load when it is for the file it serves, and otherwise loads the file itself
 * through the same code.
 */
public final class ModelAhead {

    private static final System.Logger LOG = System.getLogger(ModelAhead.class.getName());

    /**
     * A load's outcome: the file, and the model with the time it took, or what stopped it (thrown again by
     * {@link #model()} on the thread that serves it, so that it is reported as a load on that thread would be).
     */
    public static final class Loaded {
        private final Path file;
        private final Model model;
        private final Duration took;
        private final Throwable failure;

        private Loaded(Path file, Model model, Duration took, Throwable failure) {
            this.file = file;
            this.model = model;
            this.took = took;
            this.failure = failure;
        }

        /** @return the model; throws what its load threw instead ({@code RuntimeException} or {@code Error}) */
        public Model model() {
            if (failure instanceof RuntimeException e) {
                throw e;
            } else if (failure instanceof Error e) {
                throw e;
            }
            return model;
        }

        /** @return how long the load took, wherever it ran */
        public Duration took() {
            return took;
        }
    }

    private ModelAhead() {}

    /**
     * Loads {@code file} as the one model, never throwing: a failure is kept in the result. The launcher calls it by
     * name on a thread of its own, and has the classes the model's card is read with loaded on a second thread
     * meanwhile ({@link OnnxModelLoader#loadClassesAhead()}), while this one opens ONNX Runtime.
     *
     * @return a {@link Loaded}, typed {@code Object} for the launcher, which calls it by reflection
     */
    public static Object load(Path file) {
        Thread classes = new Thread(OnnxModelLoader::loadClassesAhead, "tabserve-classes-ahead");
        classes.setDaemon(true);
        classes.start();
        return loadNow(file);
    }

    /**
     * The model for {@code file}: the one loaded ahead when it is that file's (waiting for its load to end), else
     * loaded now; a model loaded ahead for another file is closed.
     *
     * @param ahead the launcher's {@code Future} of {@link #load(Path)}'s result, or null when there is none
     */
    public static Loaded take(Object ahead, Path file) {
        if (ahead instanceof Future<?> future) {
            try {
                if (future.get() instanceof Loaded loaded) {
                    if (sameFile(loaded.file, file)) {
                        LOG.log(
                                System.Logger.Level.DEBUG,
                                "{0} was loaded ahead, while the container configured the app",
                                file);
                        return loaded;
                    }
                    if (loaded.model != null) {
                        loaded.model.close();
                    }
                }
            } catch (ExecutionException e) {
                // The launcher's thread could not call the load: the load below meets the same problem, if any.
                LOG.log(System.Logger.Level.DEBUG, "The model could not be loaded ahead; loading it now", e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the model loaded", e);
            }
        }
        return loadNow(file);
    }

    private static Loaded loadNow(Path file) {
        long start = System.nanoTime();
        try {
            Model model = ModelLoader.load(file);
            return new Loaded(file, model, Duration.ofNanos(System.nanoTime() - start), null);
        } catch (RuntimeException | Error e) {
            return new Loaded(file, null, Duration.ofNanos(System.nanoTime() - start), e);
        }
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize()) || Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }
}
