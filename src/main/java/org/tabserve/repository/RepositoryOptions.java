package org.tabserve.repository;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.tabserve.model.WholeNumbers;

/**
 * How a {@link ModelRepository} runs, read once from the web app's settings ({@link #resolve}), whose names the
 * launcher's {@code --models}, {@code --poll-seconds}, {@code --default-model} and {@code --max-models} set.
 *
 * @param directory    the repository directory; empty when the app serves one model it was given (the WAR's, or
 *                     {@code --model FILE}), which {@link ModelRepository#serve} puts in
 * @param maxModels    most model versions loaded at once; each holds one ONNX Runtime session
 * @param defaultModel the model the root routes answer with; empty: the only one, else the first by name (ready, carded first)
 * @param pollInterval how often the directory is scanned for changes; zero scans it once, at start
 * @param loadThreads  how many models load at once (each model's loads and unloads still run one after another)
 * @param maxModelFiles most model versions a scan of the directory lists; the ones past it, by name and version, are
 *                     skipped, each saying why
 */
public record RepositoryOptions(
        Optional<Path> directory,
        int maxModels,
        Optional<String> defaultModel,
        Duration pollInterval,
        int loadThreads,
        int maxModelFiles) {

    /** Setting (context init-parameter, system property; {@code TABSERVE_MODELS} in the environment): the directory. */
    public static final String DIRECTORY = "tabserve.models";
    /** Setting: seconds between scans of the directory; 0 (the default) scans it once, at start. */
    public static final String POLL_SECONDS = "tabserve.poll-seconds";
    /** Setting: the model the root routes answer with. */
    public static final String DEFAULT_MODEL = "tabserve.default-model";
    /** Setting: most model versions loaded at once. */
    public static final String MAX_MODELS = "tabserve.max-models";
    /** Setting: most model versions a scan of the directory lists ({@link #maxModelFiles}). */
    public static final String MAX_MODEL_FILES = "tabserve.max-model-files";

    /**
     * Default of {@link #maxModels}: twice the 50 models the start-up measurement loads; a directory holding more is
     * more likely a mistake (a data directory mounted in the wrong place) than a plan, and each small model's session
     * costs native memory the JVM's heap limit does not bound. Raise it for more.
     */
    public static final int DEFAULT_MAX_MODELS = 100;
    /** Largest accepted {@link #maxModels}. */
    public static final int MAX_MAX_MODELS = 100_000;
    /**
     * Default of {@link #maxModelFiles} (or {@link #maxModels} when that is more): the versions past
     * {@code --max-models} are listed too, each {@code UNAVAILABLE}, an entry of {@code /api/models} (about 5 kB of
     * JSON, most of it its last hour minute by minute) and of {@code /models} (3 kB), a few series of
     * {@code /metrics}. 3,000 entries are a 15 MB index, which one build of it may hold three times over within the
     * 46 MB the shipped heap ({@code -Xmx128m}) gives one build; a thousand more would be refused 503. Raise it with
     * the heap.
     */
    public static final int DEFAULT_MAX_MODEL_FILES = 3_000;
    /** Largest accepted {@link #maxModelFiles}. */
    public static final int MAX_MAX_MODEL_FILES = 1_000_000;
    /** Longest accepted poll interval: a day. */
    public static final long MAX_POLL_SECONDS = 86_400;
    /**
     * Default of {@link #loadThreads}: two, so one slow or stuck model never stalls the others, and few, because a
     * load is CPU- and memory-heavy and requests are being served at the same time.
     */
    public static final int DEFAULT_LOAD_THREADS = 2;

    public RepositoryOptions {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(defaultModel, "defaultModel");
        Objects.requireNonNull(pollInterval, "pollInterval");
        if (maxModels < 1) {
            throw new IllegalArgumentException("maxModels must be at least 1, got " + maxModels);
        }
        if (pollInterval.isNegative()) {
            throw new IllegalArgumentException("pollInterval must not be negative, got " + pollInterval);
        }
        if (loadThreads < 1) {
            throw new IllegalArgumentException("loadThreads must be at least 1, got " + loadThreads);
        }
        if (maxModelFiles < 1) {
            throw new IllegalArgumentException("maxModelFiles must be at least 1, got " + maxModelFiles);
        }
        defaultModel.ifPresent(ModelKey::checkName);
    }

    /** Options listing at most {@link #DEFAULT_MAX_MODEL_FILES} model versions of the directory, or {@code maxModels}. */
    public RepositoryOptions(
            Optional<Path> directory,
            int maxModels,
            Optional<String> defaultModel,
            Duration pollInterval,
            int loadThreads) {
        this(
                directory,
                maxModels,
                defaultModel,
                pollInterval,
                loadThreads,
                Math.max(DEFAULT_MAX_MODEL_FILES, maxModels));
    }

    /** A directory scanned once, with the default limits. */
    public static RepositoryOptions of(Path directory) {
        return new RepositoryOptions(
                Optional.of(directory), DEFAULT_MAX_MODELS, Optional.empty(), Duration.ZERO, DEFAULT_LOAD_THREADS);
    }

    /** No directory: the app serves the one model it is given ({@link ModelRepository#serve}). */
    public static RepositoryOptions none() {
        return new RepositoryOptions(Optional.empty(), DEFAULT_MAX_MODELS, Optional.empty(), Duration.ZERO, 1);
    }

    /**
     * Reads the settings through {@code lookup} (the web app's init-parameter, system property, environment order).
     *
     * @return empty when {@link #DIRECTORY} is not set: the app serves one model, as before
     * @throws IllegalArgumentException naming the setting and what it accepts, for a value that makes no sense
     */
    public static Optional<RepositoryOptions> resolve(Function<String, Optional<String>> lookup) {
        Optional<String> directory = lookup.apply(DIRECTORY).map(String::strip).filter(d -> !d.isEmpty());
        if (directory.isEmpty()) {
            return Optional.empty();
        }
        long poll = whole(lookup, POLL_SECONDS, 0, 0, MAX_POLL_SECONDS);
        long max = whole(lookup, MAX_MODELS, DEFAULT_MAX_MODELS, 1, MAX_MAX_MODELS);
        long files = whole(lookup, MAX_MODEL_FILES, Math.max(DEFAULT_MAX_MODEL_FILES, max), 1, MAX_MAX_MODEL_FILES);
        Optional<String> defaultModel =
                lookup.apply(DEFAULT_MODEL).map(String::strip).filter(d -> !d.isEmpty());
        defaultModel.ifPresent(name -> {
            try {
                ModelKey.checkName(name);
            } catch (RepositoryException e) {
                throw new IllegalArgumentException("setting " + DEFAULT_MODEL + ": " + e.getMessage(), e);
            }
        });
        return Optional.of(new RepositoryOptions(
                Optional.of(Path.of(directory.get())),
                (int) max,
                defaultModel,
                Duration.ofSeconds(poll),
                DEFAULT_LOAD_THREADS,
                (int) files));
    }

    private static long whole(
            Function<String, Optional<String>> lookup, String key, long fallback, long min, long max) {
        Optional<String> text = lookup.apply(key);
        if (text.isEmpty()) {
            return fallback;
        }
        try {
            long value = WholeNumbers.parse(text.get());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(
                "setting " + key + " must be a whole number from " + min + " to " + max + ", got '" + text.get() + "'");
    }
}
