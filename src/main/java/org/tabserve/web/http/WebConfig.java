package org.tabserve.web.http;

import jakarta.servlet.ServletContext;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.tabserve.model.WholeNumbers;
import org.tabserve.predictionlog.PredictionLogOptions;
import org.tabserve.repository.RepositoryOptions;
import org.tabserve.serving.explanations.ExplanationLimits;

/**
 * The web app's settings, resolved once at start-up in one documented order: context init-parameter, then system
 * property, then environment variable ({@code tabserve.max-body-bytes} becomes {@code TABSERVE_MAX_BODY_BYTES}),
 * then the default. Nothing below this class reads the environment.
 *
 * @param model          path of the ONNX model, or empty for the model bundled in the WAR
 * @param maxBodyBytes   largest JSON or form body accepted
 * @param maxBatchRows   most rows in one JSON request
 * @param maxUploadBytes largest CSV upload accepted
 * @param maxCsvRows     most data rows in one CSV upload
 * @param cacheTemplates whether Thymeleaf caches parsed templates (off for the dev loop)
 * @param maxConcurrentRequests most requests served at once; more get 503 with {@code Retry-After}
 * @param maxConcurrentUploads  most of those that may be uploads ({@code ConcurrencyLimitFilter.isUpload}), so that
 *                              slow uploads never hold the slots small requests need
 * @param adminToken     the bearer token that the admin routes need; empty keeps them off
 * @param adminLoopback  whether callers on the loopback interface may use the repository's load and unload without
 *                       the token (KServe's model agent, a sidecar, calls them with none)
 * @param repository     the model directory and its settings ({@link RepositoryOptions}'s names); empty: the app
 *                       serves one model ({@code model})
 * @param predictionLog  where and how scored rows are logged ({@link PredictionLogOptions}'s names); empty: not at all
 * @param explanations   how much explaining the server does at once and for one request
 */
public record WebConfig(
        Optional<String> model,
        long maxBodyBytes,
        int maxBatchRows,
        long maxUploadBytes,
        long maxCsvRows,
        long maxErrorRows,
        boolean cacheTemplates,
        int maxConcurrentRequests,
        int maxConcurrentUploads,
        Optional<String> adminToken,
        boolean adminLoopback,
        Optional<RepositoryOptions> repository,
        Optional<PredictionLogOptions> predictionLog,
        ExplanationLimits explanations) {

    /** Never prints the admin token. */
    @Override
    public String toString() {
        return "WebConfig[model=" + model + ", maxBodyBytes=" + maxBodyBytes + ", maxBatchRows=" + maxBatchRows
                + ", maxUploadBytes=" + maxUploadBytes + ", maxCsvRows=" + maxCsvRows + ", maxErrorRows=" + maxErrorRows
                + ", cacheTemplates=" + cacheTemplates + ", maxConcurrentRequests=" + maxConcurrentRequests
                + ", maxConcurrentUploads="
                + maxConcurrentUploads + ", adminToken="
                + (adminToken.isPresent() ? "(set)" : "(none)") + ", adminLoopback=" + adminLoopback + ", repository="
                + repository + ", predictionLog=" + predictionLog + ", explanations=" + explanations + "]";
    }

    /** Path of the ONNX model file to serve. */
    public static final String MODEL = "tabserve.model";
    /** Largest JSON or form request body, in bytes. */
    public static final String MAX_BODY_BYTES = "tabserve.max-body-bytes";
    /** Most rows in one JSON request. */
    public static final String MAX_BATCH_ROWS = "tabserve.max-batch-rows";
    /** Largest CSV upload, in bytes. */
    public static final String MAX_UPLOAD_BYTES = "tabserve.max-upload-bytes";
    /** Most data rows in one CSV upload. */
    public static final String MAX_CSV_ROWS = "tabserve.max-csv-rows";
    /**
     * Most rows of one request answered with their errors ({@code ?on_error=row}), on every batch route: a bad row's
     * errors are far longer than the row, so past this the request is refused (413) rather than answered hundreds of
     * times its size.
     */
    public static final String MAX_ERROR_ROWS = "tabserve.max-error-rows";
    /** {@code false} to re-read templates on every request. */
    public static final String TEMPLATES_CACHE = "tabserve.templates.cache";
    /** Most requests served at once; the next get 503 with {@code Retry-After} instead of waiting in a queue. */
    public static final String MAX_CONCURRENT_REQUESTS = "tabserve.max-concurrent-requests";
    /**
     * Most uploads (bodies over 64 KiB, chunked or multipart) served at once, within
     * {@link #MAX_CONCURRENT_REQUESTS}; the default, half of it, keeps the other half for small requests.
     */
    public static final String MAX_CONCURRENT_UPLOADS = "tabserve.max-concurrent-uploads";
    /** Bearer token for {@code POST /admin/model}; unset (the default) turns the route off. */
    public static final String ADMIN_TOKEN = "tabserve.admin-token";
    /**
     * {@code true} lets callers on the loopback interface load and unload models through the Open Inference Protocol's
     * repository extension without the admin token: KServe's model agent, a sidecar in the same pod, calls them with
     * none. Off by default; every other admin route still needs the token.
     */
    public static final String ADMIN_LOOPBACK = "tabserve.admin-loopback";
    /**
     * Threads that compute explanations (default: the CPUs less one, at least one), so that requests that ask for
     * explanations share those and leave the rest of the CPU to plain predictions.
     */
    public static final String EXPLAIN_THREADS = ExplanationLimits.THREADS;
    /** Requests' explanations that may wait for a thread (default 16); the next get 503 with {@code Retry-After}. */
    public static final String EXPLAIN_QUEUE = ExplanationLimits.QUEUE;
    /**
     * Most model rows one request's explanations may evaluate (default 4,000,000: seconds of one CPU, 39 rows of a
     * 10-column model by coalitions); a request that would need more is refused with 413 before any is evaluated.
     */
    public static final String MAX_EXPLAIN_MODEL_ROWS = ExplanationLimits.MAX_MODEL_ROWS;
    /**
     * Whether tree ensembles and linear models are explained exactly from their trees or weights (default true; in
     * their margin where a sigmoid or softmax follows), or, when false, every model by coalitions of rows in its
     * probability or value, at (2<sup>M</sup> &minus; 2) &times; 100 model rows per explained row (up to 10 columns;
     * beyond, sampled at 2,049 at most).
     */
    public static final String EXPLAIN_STRUCTURE = ExplanationLimits.STRUCTURAL;
    /** The shortest admin token accepted: a short one could be guessed. */
    static final int MIN_ADMIN_TOKEN_LENGTH = 16;

    /** Resolves every setting for a servlet context. */
    public static WebConfig resolve(ServletContext context) {
        return resolve(context::getInitParameter, System.getProperties()::getProperty, System.getenv());
    }

    /**
     * Resolves every setting from the given sources, in the documented order (what the settings' tests and the auth
     * package's give it, in place of a servlet context).
     */
    public static WebConfig resolve(
            Function<String, String> initParameters,
            Function<String, String> systemProperties,
            Map<String, String> environment) {
        Function<String, Optional<String>> lookup = key ->
                first(initParameters.apply(key), systemProperties.apply(key), environment.get(environmentName(key)));
        int maxConcurrent = (int) Math.min(Integer.MAX_VALUE, positive(lookup, MAX_CONCURRENT_REQUESTS, 64));
        long maxUploads = positive(lookup, MAX_CONCURRENT_UPLOADS, Math.max(1, maxConcurrent / 2));
        if (maxUploads > maxConcurrent) {
            throw new IllegalArgumentException("setting " + MAX_CONCURRENT_UPLOADS + " (" + maxUploads + ") must not be"
                    + " larger than " + MAX_CONCURRENT_REQUESTS + " (" + maxConcurrent + "), of which it is a share");
        }
        return new WebConfig(
                lookup.apply(MODEL),
                positive(lookup, MAX_BODY_BYTES, 4L << 20),
                (int) Math.min(Integer.MAX_VALUE, positive(lookup, MAX_BATCH_ROWS, 10_000)),
                positive(lookup, MAX_UPLOAD_BYTES, 200L << 20),
                positive(lookup, MAX_CSV_ROWS, 2_000_000),
                positive(lookup, MAX_ERROR_ROWS, 10_000),
                lookup.apply(TEMPLATES_CACHE)
                        .map(v -> !v.equalsIgnoreCase("false"))
                        .orElse(true),
                maxConcurrent,
                (int) maxUploads,
                lookup.apply(ADMIN_TOKEN).map(token -> checkedToken(ADMIN_TOKEN, token)),
                lookup.apply(ADMIN_LOOPBACK)
                        .map(v -> v.equalsIgnoreCase("true"))
                        .orElse(false),
                RepositoryOptions.resolve(lookup),
                PredictionLogOptions.resolve(lookup),
                new ExplanationLimits(
                        (int) Math.min(
                                Integer.MAX_VALUE,
                                positive(
                                        lookup,
                                        EXPLAIN_THREADS,
                                        Math.max(1, Runtime.getRuntime().availableProcessors() - 1))),
                        (int) Math.min(Integer.MAX_VALUE, positive(lookup, EXPLAIN_QUEUE, 16)),
                        positive(lookup, MAX_EXPLAIN_MODEL_ROWS, 4_000_000),
                        lookup.apply(EXPLAIN_STRUCTURE)
                                .map(v -> !v.equalsIgnoreCase("false"))
                                .orElse(true)));
    }

    /**
     * @return a setting's value by its name, looked up in {@link #resolve}'s order (init-parameter, system property,
     *         environment), for the settings a part of the app resolves itself ({@code FeedbackToken})
     */
    public static Function<String, Optional<String>> lookup(ServletContext context) {
        Map<String, String> environment = System.getenv();
        return key ->
                first(context.getInitParameter(key), System.getProperty(key), environment.get(environmentName(key)));
    }

    /** A bearer token of {@code setting}, refused when shorter than {@link #MIN_ADMIN_TOKEN_LENGTH}. */
    public static String checkedToken(String setting, String token) {
        if (token.length() < MIN_ADMIN_TOKEN_LENGTH) {
            throw new IllegalArgumentException("setting " + setting + " must have at least " + MIN_ADMIN_TOKEN_LENGTH
                    + " characters (it has " + token.length() + "); use e.g. `openssl rand -hex 32`");
        }
        return token;
    }

    /**
     * What an answer refusing a request over a limit adds, so that whoever reads it knows which setting raises the
     * limit and how it is given: "the server's setting tabserve.max-body-bytes raises the limit (...)".
     *
     * @param key the setting, one of this class's names ({@link #MAX_BODY_BYTES}, ...)
     */
    public static String raisedBy(String key) {
        return raisedBy(java.util.List.of(key));
    }

    /**
     * As {@link #raisedBy(String)}, for a limit that two settings raise together: "the server's settings a and b raise
     * these (...)".
     */
    public static String raisedBy(java.util.List<String> keys) {
        if (keys.size() == 1) {
            return "the server's setting " + keys.get(0) + " raises the limit (a -D system property, a context"
                    + " init-parameter or the environment variable " + environmentName(keys.get(0)) + ")";
        }
        return "the server's settings " + String.join(" and ", keys) + " raise these (a -D system property, a context"
                + " init-parameter or the environment variables "
                + String.join(
                        " and ", keys.stream().map(WebConfig::environmentName).toList()) + ")";
    }

    /** {@code tabserve.max-body-bytes} → {@code TABSERVE_MAX_BODY_BYTES}. */
    static String environmentName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private static Optional<String> first(String... values) {
        for (String value : values) {
            if (value != null && !value.isBlank()) {
                return Optional.of(value.strip());
            }
        }
        return Optional.empty();
    }

    private static long positive(Function<String, Optional<String>> lookup, String key, long fallback) {
        return lookup.apply(key)
                .map(text -> {
                    try {
                        long value = WholeNumbers.parse(text);
                        if (value > 0) {
                            return value;
                        }
                    } catch (NumberFormatException ignored) {
                        // reported below
                    }
                    throw new IllegalArgumentException(
                            "setting " + key + " must be a positive whole number, found '" + text + "'");
                })
                .orElse(fallback);
    }
}
