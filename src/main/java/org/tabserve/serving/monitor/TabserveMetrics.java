package org.tabserve.serving.monitor;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.instrumentation.jvm.JvmBufferPoolMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmClassLoadingMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmCompilationMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmGarbageCollectorMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmRuntimeInfoMetric;
import io.prometheus.metrics.instrumentation.jvm.JvmThreadsMetrics;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tabserve.model.signature.Prediction;
import org.tabserve.model.signature.PredictionColumns;

/**
 * The web app's Prometheus metrics, in a registry the app owns (not the client's static default registry, so a
 * redeployed WAR starts from a fresh one instead of colliding with the old app's metrics): requests by route,
 * status and protocol (REST or gRPC), their latency (and each model's of the last minutes, {@link ModelActivity}), predictions by class, rows scored,
 * each model's requests in flight, queued and refused
 * ({@link ModelConcurrency}), admin requests refused for their token, the model's
 * load time and identity, and the JVM's (from the first scrape on, {@link #registerJvmMetrics()}). Each input's live
 * drift, the live performance and the inference statistics are not counts: {@link Monitors} holds them, their series
 * in this registry.
 */
public final class TabserveMetrics {

    /** The {@code protocol} label of a plain HTTP request (REST, the pages, the files). */
    public static final String REST = "rest";
    /** The {@code protocol} label of a gRPC call (the Open Inference Protocol's gRPC service). */
    public static final String GRPC = "grpc";

    private final PrometheusRegistry registry = new PrometheusRegistry();
    // Every metric without exemplars, the histogram classic only (no native buckets, so no periodic reset): those are
    // the two features that hand work to the client's static scheduler, whose thread, once started, cannot be stopped
    // and keeps an undeployed app's class loader alive (JettyRedeployIT measured +15 MB per redeploy). Built so, the
    // thread never starts; TabserveMetricsTest fails if a metric starts it.
    /** Requests, their latency, rows scored and predictions by class, each model's series looked up once. */
    private final ModelSeries series = new ModelSeries(registry);

    private final Counter adminRefused = Counter.builder()
            .name("tabserve_admin_refused")
            .help("Requests to the admin route refused for their token (no_token: none sent, wrong_token: a wrong one);"
                    + " the log shows at most one line a minute of each")
            .labelNames("reason")
            .withoutExemplars()
            .register(registry);
    private final Counter clientLimited = Counter.builder()
            .name("tabserve_client_rate_limited")
            .help(
                    "Requests refused (429) for going past their client's rate (the API keys file's or --client-rates'), by"
                            + " client: clients with a rate alone (an OIDC client as oidc:AZP), so the series stay as few")
            .labelNames("client")
            .withoutExemplars()
            .register(registry);
    /** The reads from outside abandoned, by kind ({@link #outboundReadsAbandoned}). */
    private final OutboundReadMetrics outbound = new OutboundReadMetrics(registry);

    private final Counter explainedModelRows = Counter.builder()
            .name("tabserve_explanation_model_rows")
            .help("Model rows evaluated to explain answers (a background row per coalition per explained row), over"
                    + " every route; it stops growing when a cancelled request's explanation stops")
            .withoutExemplars()
            .register(registry);
    private final Counter explanations = Counter.builder()
            .name("tabserve_explanations")
            .help("Requests' explanations by outcome: explained; cancelled (the client hung up or its gRPC deadline"
                    + " passed, and the work stopped); busy (refused 503: every explanation thread busy and the queue"
                    + " full, tabserve.explain-threads and tabserve.explain-queue); over_limit (refused 413: more model"
                    + " rows than tabserve.max-explain-model-rows); failed (no room in the memory budget, or the model"
                    + " failed)")
            .labelNames("outcome")
            .withoutExemplars()
            .register(registry);
    private final Gauge loadSeconds = Gauge.builder()
            .name("tabserve_model_load_seconds")
            .help("How long loading and warming up each model took (at start-up, or at its last reload or swap)")
            .labelNames("model")
            .withoutExemplars()
            .register(registry);
    private final Info model = Info.builder()
            .name("tabserve_model")
            .help("Each served model: its name in the repository, the name and version its card gives, and the sha256"
                    + " of its file")
            .labelNames("model", "name", "version", "sha256")
            .register(registry);
    /** Each model's requests of the last minutes and its last load, for the models index. */
    private final ModelActivity activity;
    /** Each model's rows measured for novelty, and those flagged. */
    private final NoveltyCounts novelty = new NoveltyCounts(registry);
    /** Each model's requests in flight, queued and refused, for autoscalers. */
    private final ModelConcurrency concurrency = new ModelConcurrency(registry);
    /** The info series of each model, to be removed when it goes. */
    private final Map<String, String[]> infos = new java.util.concurrent.ConcurrentHashMap<>();
    /** Guards {@link #registerJvmMetrics()}, which runs once. */
    private final Object jvmMetricsLock = new Object();

    private boolean jvmMetricsRegistered;

    public TabserveMetrics() {
        this(new ModelActivity());
    }

    TabserveMetrics(ModelActivity activity) {
        this.activity = activity;
    }

    /**
     * Registers the JVM's and the process's metrics, once (later calls do nothing): {@code GET /metrics} calls it
     * before its first scrape, so that every scrape has them, while a start does not pay for them (their builders
     * spin some 40 lambdas and load about 100 classes: bench/RESULTS.notes.md, "Start to ready, round 3").
     */
    public void registerJvmMetrics() {
        synchronized (jvmMetricsLock) {
            if (jvmMetricsRegistered) {
                return;
            }
            // The JVM's metrics, less JvmMemoryPoolAllocationMetrics: it subscribes to the JVM's GC notifications and
            // that subscription outlives an undeploy, pinning the old web app (JettyRedeployIT measured the growth).
            JvmThreadsMetrics.builder().register(registry);
            JvmBufferPoolMetrics.builder().register(registry);
            JvmClassLoadingMetrics.builder().register(registry);
            JvmCompilationMetrics.builder().register(registry);
            JvmGarbageCollectorMetrics.builder().register(registry);
            JvmMemoryMetrics.builder().register(registry);
            JvmRuntimeInfoMetric.builder().register(registry);
            ProcessMetrics.builder().register(registry);
            jvmMetricsRegistered = true;
        }
    }

    /** The launcher's counter of answers it cut because their client took them too slowly. */
    public static final String RESPONSES_CUT = "responses_cut";
    /** The launcher's counter of requests whose client went away before they were answered. */
    public static final String CLIENT_ABORTS = "client_aborts";
    /** The launcher's counter of HTTP/2 requests refused on their stream for headers past its limit. */
    public static final String HEADERS_REFUSED = "headers_refused";
    /** The launcher's counter of access log lines dropped because stdout took no more. */
    public static final String ACCESS_LOG_DROPPED = "access_log_dropped";
    /** The launcher's counter of the server's own log lines dropped because stderr took no more. */
    public static final String LOG_DROPPED = "log_dropped";

    /**
     * Exposes the counters the launcher keeps below the web app under {@code java -jar} (a container has none): its
     * {@link #RESPONSES_CUT}, {@link #CLIENT_ABORTS}, {@link #HEADERS_REFUSED}, {@link #ACCESS_LOG_DROPPED} and
     * {@link #LOG_DROPPED}, as numbers the launcher updates.
     *
     * @param counters the launcher's counters by name; one that is missing or not a number is left out
     */
    public void launcherCounters(Map<?, ?> counters) {
        counterOf(
                "tabserve_responses_cut",
                "Answers cut because their client took them slower than"
                        + " --min-response-rate (an HTTP/2 stream reset, an HTTP/1.1 connection closed)",
                counters.get(RESPONSES_CUT));
        counterOf(
                "tabserve_client_aborts",
                "Requests whose client went away before they were answered (a reset"
                        + " stream, a closed connection), logged with status 499",
                counters.get(CLIENT_ABORTS));
        counterOf(
                "tabserve_http2_headers_refused",
                "HTTP/2 requests refused on their own stream because their"
                        + " headers were past --max-header-bytes (431, or RESOURCE_EXHAUSTED for a gRPC call)",
                counters.get(HEADERS_REFUSED));
        counterOf(
                "tabserve_access_log_dropped",
                "Access log lines dropped because stdout took no more (a full pipe nobody reads) rather than"
                        + " making requests wait",
                counters.get(ACCESS_LOG_DROPPED));
        counterOf(
                "tabserve_log_dropped",
                "The server's own log lines (stderr) dropped because stderr took no more (a full pipe nobody reads)"
                        + " rather than making the threads that log them wait",
                counters.get(LOG_DROPPED));
    }

    private void counterOf(String name, String help, Object value) {
        if (value instanceof Number number) {
            CounterWithCallback.builder()
                    .name(name)
                    .help(help)
                    .callback(counter -> counter.call(number.doubleValue()))
                    .register(registry);
        }
    }

    /** @return the registry that {@code /metrics} exposes */
    public PrometheusRegistry registry() {
        return registry;
    }

    /**
     * Counts one HTTP request.
     *
     * @param protocol {@link #REST}, or {@link #GRPC} for a gRPC call that gRPC's transport did not take
     * @param model    the model the request used, or empty when it used none
     */
    public void request(String protocol, String model, String route, String method, int status, double seconds) {
        request(protocol, model, route, method, status, seconds, null);
    }

    /**
     * Counts one HTTP request whose span was sampled: its latency's bucket keeps it as an OpenMetrics exemplar.
     *
     * @param traceparent the request's span's W3C {@code traceparent}, or null when it is not sampled
     */
    public void request(
            String protocol,
            String model,
            String route,
            String method,
            int status,
            double seconds,
            String traceparent) {
        count(protocol, model, route, method, ModelSeries.statusLabel(status), status >= 400, seconds, traceparent);
    }

    /**
     * Counts one gRPC call, when it ends: under the route of its method's path ({@code /<service>/<method>}, one of
     * the few the service declares), method POST (as every gRPC call is sent) and its status code's name.
     *
     * @param model      the model the call used, or empty when it used none
     * @param fullMethod the method's full name ({@code inference.GRPCInferenceService/ModelInfer})
     * @param code       the status code's name ({@code OK}, {@code NOT_FOUND})
     */
    public void grpcCall(String model, String fullMethod, String code, double seconds) {
        count(GRPC, model, "/" + fullMethod, "POST", code, !code.equals("OK"), seconds, null);
    }

    private void count(
            String protocol,
            String model,
            String route,
            String method,
            String status,
            boolean failed,
            double seconds,
            String traceparent) {
        series.of(model).request(route, method, status, protocol, seconds, traceparent);
        if (!model.isEmpty()) {
            activity.request(model, failed, seconds);
        }
    }

    /** @return each model's requests of the last minutes and its last load */
    public ModelActivity activity() {
        return activity;
    }

    /** @return each model's rows measured for novelty, and those flagged */
    public NoveltyCounts novelty() {
        return novelty;
    }

    /** @return each model's requests in flight, queued and refused */
    public ModelConcurrency concurrency() {
        return concurrency;
    }

    /** Counts the rows {@code model} scored, and its predictions by class. */
    public void scored(String model, List<Prediction> scored) {
        ModelSeries.Series series = this.series.of(model);
        series.rows(scored.size());
        PredictionColumns columns = PredictionColumns.of(scored);
        if (columns != null) {
            scoredColumns(series, columns);
            return;
        }
        // One counter update per class, not per row: a CSV chunk of 4,096 rows has a handful of distinct labels,
        // and rows of one label often come in runs, each counted once. The map is made at the second run only, so
        // that a single row (or a batch of one label) counts its one run without one.
        Map<String, Integer> byLabel = null;
        String run = null;
        int runLength = 0;
        for (int i = 0; i < scored.size(); i++) {
            if (scored.get(i) instanceof Prediction.Classification classification) {
                String label = classification.label();
                if (runLength > 0 && java.util.Objects.equals(label, run)) {
                    runLength++;
                    continue;
                }
                if (runLength > 0) {
                    byLabel = byLabel == null ? new HashMap<>() : byLabel;
                    byLabel.merge(run, runLength, Integer::sum);
                }
                run = label;
                runLength = 1;
            }
        }
        if (byLabel == null) {
            if (runLength > 0) {
                series.predictions(run, runLength);
            }
            return;
        }
        if (runLength > 0) {
            byLabel.merge(run, runLength, Integer::sum);
        }
        byLabel.forEach(series::predictions);
    }

    /** Counts a batch's predictions by class from their columns: one counter update per class answered. */
    private static void scoredColumns(ModelSeries.Series series, PredictionColumns scored) {
        if (!scored.classifies()) {
            return;
        }
        int[] byClass = new int[scored.classCount()];
        for (int r = 0; r < scored.size(); r++) {
            int label = scored.labelIndex(r);
            if (label != PredictionColumns.NO_ANSWER) {
                byClass[label]++;
            }
        }
        for (int c = 0; c < byClass.length; c++) {
            if (byClass[c] > 0) {
                series.predictions(scored.classes().get(c), byClass[c]);
            }
        }
    }

    /** Counts {@code modelRows} more model rows evaluated to explain answers. */
    public void explainedModelRows(long modelRows) {
        explainedModelRows.inc(modelRows);
    }

    /** Shows how many requests' explanations wait for a thread, as {@code waiting} says when scraped. */
    public void explanationsWaiting(java.util.function.IntSupplier waiting) {
        GaugeWithCallback.builder()
                .name("tabserve_explanations_waiting")
                .help("Requests' explanations waiting for an explanation thread (at most tabserve.explain-queue)")
                .callback(callback -> callback.call(waiting.getAsInt()))
                .register(registry);
    }

    /**
     * Shows the store the models come from ({@code --models s3://...}) as {@code tabserve_model_store_*}
     * ({@link StoreMetrics}), read from {@code state} when scraped.
     */
    public void modelStore(
            java.util.function.Supplier<java.util.Optional<org.tabserve.repository.ModelStore.State>> state) {
        StoreMetrics.register(registry, state, outbound);
    }

    /** Shows the reads of kind {@code read} ({@code oidc_issuer}, {@code redis}, ...) abandoned, when scraped. */
    public void outboundReadsAbandoned(String read, java.util.function.LongSupplier abandoned) {
        outbound.abandoned(read, abandoned);
    }

    /** Counts one request's explanations ending so: explained, cancelled, busy, over_limit or failed. */
    public void explanation(String outcome) {
        explanations.labelValues(outcome).inc();
    }

    /** Counts a request to the admin route refused for its token; {@code reason} is no_token or wrong_token. */
    public void adminRefused(String reason) {
        adminRefused.labelValues(reason).inc();
    }

    /** Counts a request refused for going past the rate of {@code client}, a client of the API keys file. */
    public void clientLimited(String client) {
        clientLimited.labelValues(client).inc();
    }

    /** Model {@code name} serves {@code classifier} from now on, which took {@code seconds} to load. */
    public void modelLoaded(String name, org.tabserve.model.Model classifier, double seconds) {
        loadSeconds.labelValues(name).set(seconds);
        activity.loaded(name, seconds);
        concurrency.loaded(name);
        String[] info = {name, classifier.card().name(), classifier.card().version(), classifier.sha256()};
        String[] before = infos.put(name, info);
        if (before != null) {
            model.remove(before);
        }
        model.addLabelValues(info);
    }

    /** Model {@code name} is gone: its series go too, so a dashboard does not show a model that is not served. */
    public void modelUnloaded(String name) {
        String[] info = infos.remove(name);
        if (info != null) {
            model.remove(info);
        }
        loadSeconds.remove(name);
        activity.forget(name);
        concurrency.unloaded(name);
        novelty.forget(name);
        series.forget(name);
    }
}
