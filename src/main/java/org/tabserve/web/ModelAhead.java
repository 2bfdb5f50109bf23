package org.tabserve.web;

import jakarta.servlet.ServletContext;
import org.tabserve.model.Model;
import org.tabserve.model.onnx.OnnxModelLoader;
import org.tabserve.web.http.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one model's load, which {@code java -jar}'s launcher starts ahead, while Jetty is still configuring the web
 * app, so that a start waits for the longer of the two rather than their sum (bench/RESULTS.notes.md, "Issue 38,
 * goal 5"); the listener takes that load when it is for the file it serves, and otherwise loads the file itself
 * through the same {@link #load(Path)}.
 */
public final class ModelAhead {

    /**
     * Context attribute the launcher sets (under {@code java -jar} only): a {@code Future} (a JDK type, across its
     * class loader) of what {@link #load(Path)}, called on the launcher's thread, returned.
     */
    public static final String ATTRIBUTE = "tabserve.model.ahead";

    private static final Logger LOG = Logger.getLogger(ModelAhead.class.getName());

    /**
     * A load's outcome: the file, and the model with the time it took, or what stopped it (thrown again by
     * {@link #model()} on the thread that serves it, so that it is reported as a load on that thread would be).
     */
    static final class Loaded {
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
        Model model() {
            if (failure instanceof RuntimeException e) {
                throw e;
            } else if (failure instanceof Error e) {
                throw e;
            }
            return model;
        }

        /** How long the load took, wherever it ran. */
        Duration took() {
            return took;
        }
    }

    private ModelAhead() {
    }

    /**
     * Loads {@code file} as the one model, never throwing: a failure is kept in the result. The launcher calls it by
     * name on a thread of its own, and has Jackson's databind classes (the card's reader needs them, and every JSON
     * answer) loaded on a second thread meanwhile, while this one opens ONNX Runtime.
     */
    public static Object load(Path file) {
        Thread jackson = new Thread(ModelAhead::warmJackson, "tabserve-jackson-warm-up");
        jackson.setDaemon(true);
        jackson.start();
        return loadNow(file);
    }

    /**
     * The model for {@code file}: the one loaded ahead when it is that file's (waiting for its load to end), else
     * loaded now; a model loaded ahead for another file is closed. The attribute is removed either way.
     */
    static Loaded take(ServletContext context, Path file) {
        Object ahead = context.getAttribute(ATTRIBUTE);
        context.removeAttribute(ATTRIBUTE);
        if (ahead instanceof Future<?> future) {
            try {
                if (future.get() instanceof Loaded loaded) {
                    if (sameFile(loaded.file, file)) {
                        LOG.fine(() -> "The model " + file + " was loaded ahead, while the container configured the app");
                        return loaded;
                    }
                    if (loaded.model != null) {
                        loaded.model.close();
                    }
                }
            } catch (ExecutionException e) {
                // The launcher's thread could not call the load: the load below meets the same problem, if any.
                LOG.log(Level.FINE, "The model could not be loaded ahead; loading it now", e.getCause());
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
            Model model = OnnxModelLoader.load(file);
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

    /** Reads and writes a little JSON, so that databind's classes are loaded before the card and the first answer. */
    private static void warmJackson() {
        try {
            Object tree = Json.MAPPER.readTree("{\"a\":[1,2.5,\"b\",true,null,{\"c\":{}}]}");
            Json.MAPPER.convertValue(tree, Map.class);
            Json.MAPPER.writeValueAsString(Map.of("a", List.of(1, 2.5, "b", true)));
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "Jackson's warm-up failed; its classes load at first use", e);
        }
    }
}
