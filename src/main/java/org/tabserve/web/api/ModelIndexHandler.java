package org.tabserve.web.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.tabserve.model.Model;
import org.tabserve.model.live.Psi;
import org.tabserve.model.signature.Feature;
import org.tabserve.repository.Lease;
import org.tabserve.repository.ModelRepository;
import org.tabserve.repository.ModelState;
import org.tabserve.repository.ModelStatus;
import org.tabserve.repository.RepositoryException;
import org.tabserve.serving.ModelRoute;
import org.tabserve.serving.ResolvedModel;
import org.tabserve.serving.access.Caller;
import org.tabserve.serving.access.Scope;
import org.tabserve.serving.budget.MemoryBudget;
import org.tabserve.serving.monitor.DriftMonitor;
import org.tabserve.serving.monitor.ModelActivity;
import org.tabserve.serving.monitor.Monitors;
import org.tabserve.serving.monitor.RecentRequests;
import org.tabserve.serving.monitor.TabserveMetrics;
import org.tabserve.web.http.HealthHandler;
import org.tabserve.web.http.Json;
import org.tabserve.web.http.RouteTable;
import org.tabserve.web.http.Routes;
import org.tabserve.web.http.SharedAnswer;

/**
 * The index of the served models: {@code GET /api/models} in JSON, and for {@code /models}, the page that lists them,
 * its entries ({@link #entries}): every version the repository knows, with its state, task, inputs, links, last load
 * and its model's requests of the last minutes; and the model directory's entries that are not served, with why and
 * the fix ({@code skipped}, {@code skipped_total}).
 */
public final class ModelIndexHandler {

    public static final String API_PATH = "/api/models";
    /** What the 404 of a path under {@code /models} that no route serves names. */
    public static final String ROUTES_HINT = "each model has " + RouteTable.MODELS + "/{name}/ (the form), card, "
            + "api/predict, predict, predict_file, invocations, api/model and openapi.json";

    /**
     * One served model version as the index shows it.
     *
     * @param name        the name it is served under (its file's or folder's name): its routes' name
     * @param title       the name its file gives it (the ONNX graph's, or its card's); empty when it is not loaded
     * @param inputs      its features, each with its type
     * @param form        where its form is, {@code /models/{name}/versions/{version}/}
     * @param card        where its card page is
     * @param loadedAt    when the version it serves was loaded (ISO-8601, UTC); null when none is
     * @param loadSeconds how long that load took, warm-up included; null when none is loaded
     * @param recent      the model's requests of the last minutes (over all its versions)
     * @param worstDrift  the input of this version that drifted most over the last hour; null before any input has
     *                    a score
     * @param performance its card's figure, its live accuracy or error from labels and its estimated accuracy, as
     *                    keys of the entry itself; null when it is not loaded
     */
    public record Entry(
            String name,
            String title,
            String version,
            String state,
            String reason,
            String task,
            List<String> inputs,
            String form,
            String card,
            @JsonProperty("loaded_at") String loadedAt,
            @JsonProperty("load_seconds") Double loadSeconds,
            Recent recent,
            @JsonProperty("worst_drift") WorstDrift worstDrift,
            @JsonProperty("last_hour") LastHour lastHour,
            @com.fasterxml.jackson.annotation.JsonUnwrapped LivePerformanceJson performance,

            @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
            String sha256) {}

    /**
     * The input whose live values of the last hour are furthest from the card's training profile, by the population
     * stability index, so that the index shows at a glance which model's inputs have moved.
     *
     * @param drift small, moderate or large, read on the thresholds 0.1 and 0.25
     */
    public record WorstDrift(String feature, double psi, String drift) {

        static WorstDrift of(DriftMonitor.Worst worst) {
            return new WorstDrift(worst.feature(), worst.psi(), Psi.reading(worst.psi()));
        }
    }

    /**
     * The last hour minute by minute, for the models page's sparklines: what {@link Recent} and {@link WorstDrift}
     * say of now, for each of the last {@link RecentRequests#HOUR_BUCKETS} minutes.
     *
     * @param minutes oldest first, the last the minute under way
     */
    public record LastHour(List<Minute> minutes) {

        static LastHour of(List<RecentRequests.Window> requests, List<Double> worstDrift) {
            List<Minute> minutes = new ArrayList<>(requests.size());
            for (int m = 0; m < requests.size(); m++) {
                RecentRequests.Window window = requests.get(m);
                double psi = worstDrift.get(m);
                minutes.add(new Minute(
                        window.requests(),
                        window.errors(),
                        Recent.millis(window.p99()),
                        Double.isNaN(psi) ? null : Math.round(psi * 1e4) / 1e4,
                        window.timed()));
            }
            return new LastHour(List.copyOf(minutes));
        }
    }

    /**
     * One minute of the last hour.
     *
     * @param requests      the model's requests answered in it, over all its versions
     * @param errors        those of them answered with a status of 400 or more
     * @param p99Ms         within how many milliseconds 99 in 100 of the timed ones were answered (a histogram
     *                      bucket's upper bound); null when none was timed, or when past the last bound
     * @param worstDriftPsi this version's highest worst-drift PSI sampled in the minute (four decimals); null when
     *                      nothing sampled it (no page, index or {@code /metrics} scrape asked) or no input had a
     *                      score
     * @param timed         how many of the requests its p99 is of: all but the model's warm-up, its first
     *                      {@value ModelActivity#WARM_UP_REQUESTS} after each load
     */
    public record Minute(
            long requests,
            long errors,
            @JsonProperty("p99_ms") Double p99Ms,
            @JsonProperty("worst_drift_psi") Double worstDriftPsi,
            long timed) {}

    /**
     * A model's requests of the last {@code window_seconds} seconds: how many were answered, how many of them with a
     * status of 400 or more, and within how many milliseconds half of them and 99 in 100 were (each the upper bound
     * of a histogram bucket, at most a quarter over; null when none was timed), of the {@code timed} ones: all but
     * the model's warm-up, its first {@value ModelActivity#WARM_UP_REQUESTS} requests after each load.
     */
    public record Recent(
            @JsonProperty("window_seconds") int windowSeconds,
            long requests,
            long errors,
            @JsonProperty("p50_ms") Double p50Ms,
            @JsonProperty("p99_ms") Double p99Ms,
            long timed) {

        static Recent of(RecentRequests.Window window) {
            return new Recent(
                    RecentRequests.WINDOW_SECONDS,
                    window.requests(),
                    window.errors(),
                    millis(window.p50()),
                    millis(window.p99()),
                    window.timed());
        }

        static Double millis(double seconds) {
            return Double.isFinite(seconds) ? Math.round(seconds * 1e6) / 1e3 : null;
        }
    }

    /**
     * What building the index's answer (its entries, then the JSON or the page) may hold per model version the first
     * time, before its size is known: at 250 versions of a four-input model the JSON is 4.5 kB a version and the page
     * 4 kB, and the build holds their entries and the buffer the answer grows in besides.
     */
    public static final long BUILD_BYTES_PER_MODEL = 32 << 10;

    /**
     * What a first build may hold per model version that holds no model: its entry's few words (its state and why)
     * and its last hour, minute by minute, which the JSON and the page write for every entry.
     */
    public static final long BUILD_BYTES_PER_UNLOADED = 8 << 10;

    private final SharedAnswer answer;
    private final MemoryBudget budget;
    private final Supplier<Optional<String>> notice;
    private final TabserveMetrics metrics;
    private final Monitors monitors;
    private final ModelRepository repository;

    /**
     * @param metrics    where each model's recent requests are read
     * @param monitors   where each model's drift and live performance are read
     * @param repository the served models, which the index lists
     */
    public ModelIndexHandler(
            MemoryBudget budget, TabserveMetrics metrics, Monitors monitors, ModelRepository repository) {
        this(budget, metrics, monitors, repository, Optional::empty);
    }

    /**
     * @param notice what the index says of how open the server is, when it says anything ({@code notice}): a server
     *               on a network address that asks no credential
     */
    public ModelIndexHandler(
            MemoryBudget budget,
            TabserveMetrics metrics,
            Monitors monitors,
            ModelRepository repository,
            Supplier<Optional<String>> notice) {
        this.answer = new SharedAnswer(budget, "the index of the models (" + API_PATH + ")");
        this.budget = budget;
        this.notice = notice;
        this.metrics = metrics;
        this.monitors = monitors;
        this.repository = repository;
    }

    /**
     * {@code GET /api/models}: one build shared by every request that asks at the same time ({@link SharedAnswer}),
     * served to at most a share of the concurrency limit's slots ({@code ReaderLaneFilter}).
     */
    public void list(ResolvedModel model, HttpServletRequest request, HttpServletResponse response) throws IOException {
        // A caller who may read every model shares the one build; one who may read some gets a build of its own,
        // listing only those (and no skipped files, which may be any model's).
        Caller caller = model.caller();
        boolean everyModel = caller.mayAll(Scope.READ);
        (everyModel ? answer : new SharedAnswer(budget, "the index of the models (" + API_PATH + ")"))
                .write(
                        buildBytes(repository),
                        out -> {
                            Map<String, Object> index = new java.util.LinkedHashMap<>();
                            index.put("models", readable(entries(repository, metrics, monitors), caller));
                            index.put("skipped", everyModel ? repository.skipped() : List.of());
                            index.put("skipped_total", everyModel ? repository.skippedCount() : 0);
                            notice.get().ifPresent(words -> index.put("notice", words));
                            repository.store().ifPresent(store -> index.put("store", HealthHandler.storeJson(store)));
                            Json.MAPPER.writeValue(out, index);
                        },
                        json -> {
                            response.setContentType(Json.MEDIA_TYPE);
                            response.setHeader("Cache-Control", "no-store");
                            response.setContentLength(json.length());
                            json.writeTo(response.getOutputStream());
                        });
    }

    /** @return the entries of the models {@code caller} may read */
    public static List<Entry> readable(List<Entry> entries, Caller caller) {
        return caller.mayAll(Scope.READ)
                ? entries
                : entries.stream().filter(e -> caller.may(Scope.READ, e.name())).toList();
    }

    /**
     * @return what a first build of an answer drawn from every model version's entry may hold: sized by the versions
     *         loaded, each other version costing its entry only
     */
    public static long buildBytes(ModelRepository repository) {
        return ModelStatus.answerBytes(repository.index(), BUILD_BYTES_PER_MODEL, BUILD_BYTES_PER_UNLOADED);
    }

    /**
     * {@code /models/{name}[/versions/{version}]} without the trailing slash: redirected to it, as the form's relative
     * links need one.
     */
    public void addSlash(ResolvedModel model, HttpServletRequest request, HttpServletResponse response) {
        response.setStatus(308);
        response.setHeader(
                "Location",
                request.getContextPath() + request.getServletPath()
                        + (request.getPathInfo() == null ? "" : request.getPathInfo()) + "/");
    }

    /**
     * Every model version the repository knows, with its state, task, inputs, links and recent requests.
     *
     * @param metrics  where each model's recent requests are read
     * @param monitors where each model's drift and live performance are read
     */
    public static List<Entry> entries(ModelRepository repository, TabserveMetrics metrics, Monitors monitors) {
        List<Entry> entries = new ArrayList<>();
        for (ModelStatus status : repository.index()) {
            String task = "";
            String title = "";
            List<String> inputs = List.of();
            WorstDrift worst = null;
            List<Double> driftByMinute = DriftMonitor.NO_MINUTES;
            LivePerformanceJson performance = null;
            String sha256 = null;
            if (status.state() == ModelState.READY) {
                try (Lease lease = repository.lease(status.name(), status.version())) {
                    Model served = lease.model();
                    task = served.signature().task().jsonName();
                    sha256 = served.sha256();
                    title = served.card().name();
                    inputs = served.signature().features().stream()
                            .map(ModelIndexHandler::describe)
                            .toList();
                    worst = monitors.drift()
                            .worst(status.name(), status.version(), served)
                            .map(WorstDrift::of)
                            .orElse(null);
                    driftByMinute = monitors.drift().worstByMinute(status.name(), status.version(), served);
                    performance = LivePerformanceJson.of(
                            served,
                            monitors.feedback()
                                    .of(status.name(), status.version(), served)
                                    .orElse(null));
                } catch (RepositoryException e) {
                    // unloaded meanwhile: listed as the index found it
                }
            }
            String base = Routes.base(new ModelRoute(status.name(), java.util.Optional.of(status.version()))) + "/";
            ModelActivity.Summary activity = metrics.activity().of(status.name());
            boolean loaded = status.state() == ModelState.READY && activity.loadedAt() != null;
            entries.add(new Entry(
                    status.name(),
                    title,
                    Long.toString(status.version()),
                    status.state().name(),
                    status.reason().orElse(""),
                    task,
                    inputs,
                    base,
                    base + Routes.in(Routes.CARD),
                    loaded ? activity.loadedAt().truncatedTo(ChronoUnit.SECONDS).toString() : null,
                    loaded ? Math.round(activity.loadSeconds() * 1000) / 1000.0 : null,
                    Recent.of(activity.recent()),
                    worst,
                    LastHour.of(activity.lastHour(), driftByMinute),
                    performance,
                    sha256));
        }
        return entries;
    }

    private static String describe(Feature feature) {
        return feature.name() + " (" + feature.type().name().toLowerCase(java.util.Locale.ROOT)
                + (feature.missingAllowed() ? ", may be missing" : "") + ")";
    }
}
