package org.tabserve.web;

import jakarta.servlet.ServletContext;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.tabserve.model.Model;
import org.tabserve.model.signature.ModelException;
import org.tabserve.predictionlog.PredictionLog;
import org.tabserve.repository.ModelAhead;
import org.tabserve.repository.ModelRepository;
import org.tabserve.repository.ModelState;
import org.tabserve.repository.ModelStatus;
import org.tabserve.repository.ModelStore;
import org.tabserve.repository.RepositoryListener;
import org.tabserve.repository.RepositoryOptions;
import org.tabserve.serving.ServedModels;
import org.tabserve.serving.budget.MemoryBudget;
import org.tabserve.serving.explanations.RowExplanations;
import org.tabserve.serving.monitor.Monitors;
import org.tabserve.serving.monitor.TabserveMetrics;
import org.tabserve.web.http.ModelBytes;
import org.tabserve.web.http.WebConfig;

/**
 * Loads the models the app serves as it starts, a directory's or the one model (the WAR's or {@code --model}'s), and
 * tells the metrics, the documents and the explanations of every later load and unload; split from
 * {@code TabserveListener}, which wires the rest of the app.
 */
final class ModelsAtStart {

    private static final Logger LOG = Logger.getLogger(ContextAttributes.LOGGER);
    static final String BUNDLED_MODEL = "/WEB-INF/model.onnx";

    private ModelsAtStart() {}

    /**
     * The models to serve: every model in the directory {@code --models} names (loaded in the background; readiness
     * says when they are), or the one model the app is given (the WAR's, or {@code --model FILE}), under its card's
     * name. A model that cannot be loaded leaves the app up, answering 503 with the reason.
     */
    static ServedModels start(
            ServletContext context,
            WebConfig config,
            TabserveMetrics metrics,
            Monitors monitors,
            ModelBytes documents,
            RowExplanations explanations,
            PredictionLog log,
            MemoryBudget budget) {
        java.util.function.BooleanSupplier draining = context.getAttribute(ContextAttributes.LAUNCHER_DRAINING)
                        instanceof java.util.concurrent.atomic.AtomicBoolean flag
                ? flag::get
                : () -> false;
        ModelRepository[] built = new ModelRepository[1];
        ServedModels[] serving = new ServedModels[1]; // told of scans once it exists
        RepositoryListener listener = new RepositoryListener() {
            @Override
            public void loaded(String name, long version, Model model, Duration loadTime) {
                metrics.modelLoaded(name, model, loadTime.toNanos() / 1e9);
                documents.forget(name, version); // a reload: the documents of the model it replaced go
                explanations.forget(name, version); // and its explainer, with the old model's background answers
            }

            @Override
            public void scanned() {
                if (serving[0] != null) {
                    serving[0].rollouts().reread();
                }
            }

            @Override
            public void unloaded(String name, long version) {
                documents.forget(name, version);
                explanations.forget(name, version);
                monitors.forget(name, version);
                if (built[0] != null
                        && built[0].index().stream().noneMatch(s -> s.name().equals(name))) {
                    metrics.modelUnloaded(name);
                    monitors.forget(name);
                }
            }
        };
        if (config.repository().isPresent()) {
            RepositoryOptions options = config.repository().get();
            java.util.function.Function<String, java.util.Optional<String>> lookup = WebConfig.lookup(context);
            String location =
                    lookup.apply(RepositoryOptions.DIRECTORY).orElse("").strip();
            ModelRepository repository;
            if (ModelStores.isStore(location)) {
                // Models from object storage: mirrored into a cache folder, which the repository scans as its
                // directory. The store's client (the AWS SDK) loads only here.
                ModelStore store;
                try {
                    store = ModelStores.open(location, lookup);
                } catch (IllegalArgumentException e) {
                    LOG.severe("tabserve is not configured correctly: " + e.getMessage());
                    throw e;
                }
                options = new RepositoryOptions(
                        java.util.Optional.of(store.cache()),
                        options.maxModels(),
                        options.defaultModel(),
                        options.pollInterval(),
                        options.loadThreads(),
                        options.maxModelFiles());
                repository = new ModelRepository(options, listener, store);
                metrics.modelStore(repository::store);
            } else {
                repository = new ModelRepository(options, listener);
            }
            built[0] = repository;
            // A directory that cannot be read stops the app: --models names a wrong place. The start-up loads are
            // waited for (two at a time, each bounded by its own file), so that the launcher's ready line means every
            // model found has loaded or failed, as it means the one model has loaded in one-model mode; a directory
            // with none that loads still starts (KServe's multi-model pods start empty), not ready until one does.
            repository.start().join();
            List<ModelStatus> index = repository.index();
            String summary =
                    index.stream().filter(m -> m.state() == ModelState.READY).count() + " of " + index.size()
                            + " model version(s) from "
                            + repository
                                    .store()
                                    .map(ModelStore.State::location)
                                    .orElse(String.valueOf(
                                            repository.options().directory().orElseThrow()));
            context.setAttribute(ContextAttributes.MODEL_SUMMARY, summary);
            LOG.info("Serving " + summary);
            serving[0] = new ServedModels(repository, metrics, monitors, null, log, draining, budget);
            return serving[0];
        }
        ModelRepository repository = new ModelRepository(RepositoryOptions.none(), listener);
        built[0] = repository;
        repository.start();
        String source = config.model().orElse("the bundled model " + BUNDLED_MODEL);
        String failure = null;
        try {
            Path file = config.model().map(Path::of).orElseGet(() -> bundledModel(context));
            // Loaded ahead under java -jar, while the container configured the app (ModelAhead), else now.
            ModelAhead.Loaded loaded =
                    ModelAhead.take(context.getAttribute(ContextAttributes.LAUNCHER_MODEL_AHEAD), file);
            context.removeAttribute(ContextAttributes.LAUNCHER_MODEL_AHEAD);
            Model classifier = loaded.model();
            repository.serve(nameOf(classifier), classifier, loaded.took());
            String summary =
                    classifier.card().name() + " (sha256 " + classifier.sha256().substring(0, 12) + ") from "
                            + (config.model().isPresent() ? file : "the WAR");
            context.setAttribute(ContextAttributes.MODEL_SUMMARY, summary);
            LOG.info("Serving model " + summary);
        } catch (ModelException | MissingBundledModel e) {
            failure = e.getMessage();
            LOG.severe("No model is served: " + failure);
        } catch (RuntimeException e) {
            failure = "cannot serve " + source + ": " + e;
            LOG.log(Level.SEVERE, "No model is served: " + failure, e);
        }
        if (failure != null) {
            context.setAttribute(ContextAttributes.MODEL_FAILURE, failure);
        }
        return new ServedModels(repository, metrics, monitors, failure, log, draining, budget);
    }

    /**
     * The name the one model serves under ({@code /v2/models/{name}}, metrics): its card's, made safe for a path and a
     * label (letters, digits, '.', '_' and '-'); a name with nothing usable in it is "model".
     */
    static String nameOf(Model classifier) {
        String safe =
                classifier.card().name().replaceAll("[^A-Za-z0-9._-]+", "-").replaceAll("^[^A-Za-z0-9]+", "");
        if (safe.endsWith(".onnx")) {
            safe = safe.substring(0, safe.length() - 5);
        }
        safe = safe.length() > 128 ? safe.substring(0, 128) : safe;
        return safe.isEmpty() ? "model" : safe;
    }

    /** The model inside the WAR, copied to the app's temp dir when the container does not unpack the WAR. */
    private static Path bundledModel(ServletContext context) {
        String real = context.getRealPath(BUNDLED_MODEL);
        if (real != null && Files.isRegularFile(Path.of(real))) {
            return Path.of(real);
        }
        try (InputStream in = context.getResourceAsStream(BUNDLED_MODEL)) {
            if (in == null) {
                throw new MissingBundledModel("the WAR has no " + BUNDLED_MODEL);
            }
            File temp = (File) context.getAttribute(ServletContext.TEMPDIR);
            Path copy = Files.createTempFile(temp == null ? null : temp.toPath(), "model", ".onnx");
            Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
            copy.toFile().deleteOnExit();
            return copy;
        } catch (IOException e) {
            throw new MissingBundledModel("cannot read the bundled model: " + e.getMessage());
        }
    }

    /** A start-up problem with the bundled model, reported like a model that cannot be served. */
    private static final class MissingBundledModel extends RuntimeException {
        MissingBundledModel(String message) {
            super(message);
        }
    }
}
