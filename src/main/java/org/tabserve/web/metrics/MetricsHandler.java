package org.tabserve.web.metrics;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.config.ExporterFilterProperties;
import io.prometheus.metrics.config.PrometheusProperties;
import io.prometheus.metrics.exporter.common.PrometheusScrapeHandler;
import io.prometheus.metrics.exporter.servlet.jakarta.HttpExchangeAdapter;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Enumeration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.GZIPOutputStream;
import org.tabserve.repository.ModelRepository;
import org.tabserve.repository.ModelStatus;
import org.tabserve.serving.ResolvedModel;
import org.tabserve.serving.access.Caller;
import org.tabserve.serving.access.Scope;
import org.tabserve.serving.budget.MemoryBudget;
import org.tabserve.serving.monitor.TabserveMetrics;
import org.tabserve.web.http.SharedAnswer;

/**
 * {@code GET /metrics}: every series of the registry, in the exposition format the scraper's {@code Accept} names and
 * gzipped when its {@code Accept-Encoding} allows, as the Prometheus client's servlet answers, but rendered once for
 * all the scrapes that ask for the same format at the same time ({@link SharedAnswer}) instead of once per scrape. At
 * 100 carded models each scored once an answer is about 2 MB of text (each input's drift bins are a series each), and
 * its build holds the registry's snapshot besides: 64 scrapes at once, each building its own, ended the JVM as the
 * project ships it (issue 61). Each build reserves its share of the {@link MemoryBudget} first (503 with
 * {@code Retry-After} when there is no room in time), and the scrapes that share it write its one copy.
 *
 * <p>A scrape that the client must tailor (a query: {@code name[]} or {@code debug}; or a name filter set in the
 * client's own properties) goes to the client's handler as before, unshared, within a reservation of the same size.
 * The client's formats and the JVM's metrics are made at the first scrape, not at every start. A client whose
 * {@code metrics} scope covers some models only gets the series it may see ({@link ScopedRegistry}), through the
 * client's handler as a tailored scrape is. Thread-safe.
 */
public final class MetricsHandler {

    public static final String PATH = "/metrics";

    /**
     * What a build may hold per model version: its share of the answer (about 20 kB of text for a four-input carded
     * model, more for wider ones) and of the registry's snapshot the answer is written from.
     */
    static final long BUILD_BYTES_PER_MODEL = 64 << 10;

    /**
     * What a build may hold per model version that holds no model (past {@code --max-models}, or failed): its few
     * series (its state, its requests refused) and their share of the snapshot.
     */
    static final long BUILD_BYTES_PER_UNLOADED = 2 << 10;

    private static final String WHAT = "the metrics (" + PATH + ")";

    /** The client's formats and handler, made at the first scrape. */
    private record Exposition(
            ExpositionFormats formats,
            boolean preferUncompressed,
            PrometheusScrapeHandler tailored,
            boolean filtered) {}

    /** One answer's bytes: in this format, with this escaping of names, gzipped or not. */
    private record Variant(ExpositionFormatWriter writer, EscapingScheme escaping, boolean gzip) {}

    private final MemoryBudget budget;
    private final TabserveMetrics metrics;
    /** The served model versions, whose number (the loaded ones', chiefly) sizes a build. */
    private final ModelRepository repository;

    private final Map<Variant, SharedAnswer> answers = new ConcurrentHashMap<>();
    private volatile Exposition exposition;

    public MetricsHandler(MemoryBudget budget, TabserveMetrics metrics, ModelRepository repository) {
        this.budget = budget;
        this.metrics = metrics;
        this.repository = repository;
    }

    /** {@code GET /metrics}. */
    public void scrape(ResolvedModel model, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        Exposition client = exposition();
        long bytes = ModelStatus.answerBytes(repository.index(), BUILD_BYTES_PER_MODEL, BUILD_BYTES_PER_UNLOADED);
        Caller caller = model.caller();
        if (!caller.mayAll(Scope.METRICS)) {
            // A client whose scope covers some models: the client's handler on the series it may see, its own build.
            PrometheusScrapeHandler scoped = new PrometheusScrapeHandler(
                    PrometheusProperties.get(), new ScopedRegistry(metrics.registry(), caller));
            budget.buildAnswer(bytes, WHAT, () -> {
                scoped.handleRequest(new HttpExchangeAdapter(request, response));
                return null;
            });
            return;
        }
        if (request.getQueryString() != null || client.filtered()) {
            budget.buildAnswer(bytes, WHAT, () -> {
                client.tailored().handleRequest(new HttpExchangeAdapter(request, response));
                return null;
            });
            return;
        }
        String accept = request.getHeader("Accept");
        Variant variant = new Variant(
                client.formats().findWriter(accept),
                EscapingScheme.fromAcceptHeader(accept),
                !client.preferUncompressed() && acceptsGzip(request));
        answers.computeIfAbsent(variant, v -> new SharedAnswer(budget, WHAT))
                .write(bytes, out -> write(variant, out), answer -> {
                    response.setHeader("Content-Type", variant.writer().getContentType());
                    if (variant.gzip()) {
                        response.setHeader("Content-Encoding", "gzip");
                    }
                    response.setContentLength(answer.length());
                    answer.writeTo(response.getOutputStream());
                });
    }

    private void write(Variant variant, OutputStream out) throws IOException {
        if (variant.gzip()) {
            try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
                variant.writer().write(gzip, metrics.registry().scrape(), variant.escaping());
            }
        } else {
            variant.writer().write(out, metrics.registry().scrape(), variant.escaping());
        }
    }

    /** Whether one of the request's {@code Accept-Encoding} values is {@code gzip}, read as the client's handler does. */
    static boolean acceptsGzip(HttpServletRequest request) {
        Enumeration<String> headers = request.getHeaders("Accept-Encoding");
        while (headers != null && headers.hasMoreElements()) {
            for (String encoding : headers.nextElement().split(",")) {
                if (encoding.trim().equalsIgnoreCase("gzip")) {
                    return true;
                }
            }
        }
        return false;
    }

    private Exposition exposition() {
        Exposition made = exposition;
        if (made == null) {
            synchronized (this) {
                made = exposition;
                if (made == null) {
                    metrics.registerJvmMetrics(); // every scrape has them; a start does not pay for them
                    PrometheusProperties config = PrometheusProperties.get();
                    ExporterFilterProperties filter = config.getExporterFilterProperties();
                    made = new Exposition(
                            ExpositionFormats.init(config),
                            config.getExporterHttpServerProperties().isPreferUncompressedResponse(),
                            new PrometheusScrapeHandler(config, metrics.registry()),
                            filter.getAllowedMetricNames() != null
                                    || filter.getExcludedMetricNames() != null
                                    || filter.getAllowedMetricNamePrefixes() != null
                                    || filter.getExcludedMetricNamePrefixes() != null);
                    exposition = made;
                }
            }
        }
        return made;
    }
}
