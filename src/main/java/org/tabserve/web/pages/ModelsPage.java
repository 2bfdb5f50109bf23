package org.tabserve.web.pages;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.tabserve.serving.monitor.ModelActivity;
import org.tabserve.serving.monitor.RecentRequests;
import org.tabserve.web.api.ModelIndexHandler;
import org.tabserve.web.pages.plots.Sparkline;

/**
 * The models page's view: one row per served model version, in the words a user checks first (is it loaded, what
 * does it predict, what does it take, how has it answered lately, when was it loaded), drawn from the same entries as
 * {@code /api/models}.
 *
 * @param windowMinutes the minutes the request figures cover
 */
record ModelsPage(List<Row> rows, int windowMinutes) {

    /** Inputs past this many are folded into a {@code <details>}. */
    static final int INPUTS_SHOWN = 4;

    private static final DateTimeFormatter LOADED = DateTimeFormatter.ofPattern(
                    "yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    /**
     * One model version.
     *
     * @param title    the name its file gives it, when that differs from the name it is served under; else empty
     * @param state    loaded, loading, failed or unloading
     * @param reason   why it failed, or why its file's last reload failed while the older load serves; else empty
     * @param loaded   when it was loaded and how long that took, in words; empty when it is not
     * @param loadedAt the same instant, ISO-8601, for {@code <time datetime>}; empty when it is not
     * @param driftFeature the input that drifted most over the last hour; empty before any has a score
     * @param driftPsi     its population stability index, three decimals
     * @param driftReading small, moderate or large
     * @param performance  its accuracy (or a regressor's error) on its card, live and estimated, in words; empty
     *                     when there is none
     * @param stateSeverity   failed is trouble, loading or unloading a warning
     * @param driftSeverity   by the card's drift words
     * @param errorSeverity   by the share of answers of status 400 or more
     * @param latencySeverity by the p99
     * @param lastHour        the last hour by minute: requests, p99 and worst drift, each a sparkline
     */
    record Row(
            String name,
            String title,
            String version,
            String state,
            String reason,
            String task,
            List<String> inputs,
            String requests,
            String errors,
            String p50,
            String p99,
            String loaded,
            String loadedAt,
            String form,
            String card,
            String driftFeature,
            String driftPsi,
            String driftReading,
            String performance,
            Severity stateSeverity,
            Severity driftSeverity,
            Severity errorSeverity,
            Severity latencySeverity,
            List<Sparkline> lastHour) {

        /** @return the worst of its severities, which orders the page */
        Severity trouble() {
            return stateSeverity.worse(driftSeverity).worse(errorSeverity).worse(latencySeverity);
        }

        public String troubleClass() {
            return trouble().cssClass();
        }

        public String driftClass() {
            return driftSeverity.cssClass();
        }

        public String errorClass() {
            return errorSeverity.cssClass();
        }

        public String latencyClass() {
            return latencySeverity.cssClass();
        }

        public boolean manyInputs() {
            return inputs.size() > INPUTS_SHOWN;
        }

        public boolean ready() {
            return state.equals("loaded");
        }
    }

    /** Models not serving first, then the worst severity first, then by name; a name's versions keep their order. */
    static final Comparator<Row> BY_TROUBLE = Comparator.comparing((Row r) -> !r.ready())
            .reversed()
            .thenComparing(Row::trouble, Comparator.reverseOrder())
            .thenComparing(Row::name);

    /** @return the requests after a load that are not timed: the model's warm-up, as the legend says */
    public int warmUpRequests() {
        return ModelActivity.WARM_UP_REQUESTS;
    }

    /** @return this page with the rows {@code filter} lets through, in the same order */
    ModelsPage filtered(ModelsFilter filter) {
        return filter.none()
                ? this
                : new ModelsPage(rows.stream().filter(filter::passes).toList(), windowMinutes);
    }

    static ModelsPage of(List<ModelIndexHandler.Entry> entries) {
        return new ModelsPage(
                entries.stream().map(ModelsPage::row).sorted(BY_TROUBLE).toList(), RecentRequests.WINDOW_SECONDS / 60);
    }

    private static Row row(ModelIndexHandler.Entry e) {
        ModelIndexHandler.Recent recent = e.recent();
        String loaded = "";
        if (e.loadedAt() != null) {
            loaded = LOADED.format(Instant.parse(e.loadedAt()))
                    + (e.loadSeconds() == null ? "" : " (took " + seconds(e.loadSeconds()) + ")");
        }
        String state = state(e.state());
        Severity drift = e.worstDrift() == null
                ? Severity.OK
                : Severity.ofDrift(e.worstDrift().drift());
        Severity errors = Severity.ofErrors(recent.errors(), recent.requests());
        Severity latency = Severity.ofLatency(recent.p99Ms(), recent.timed()); // not the warm-up's
        return new Row(
                e.name(),
                e.title().equals(e.name()) ? "" : e.title(),
                e.version(),
                state,
                e.reason(),
                e.task(),
                e.inputs(),
                Long.toString(recent.requests()),
                Long.toString(recent.errors()),
                millis(recent.p50Ms(), recent.timed()),
                millis(recent.p99Ms(), recent.timed()),
                loaded,
                e.loadedAt() == null ? "" : e.loadedAt(),
                e.form(),
                e.card(),
                e.worstDrift() == null ? "" : e.worstDrift().feature(),
                e.worstDrift() == null
                        ? ""
                        : String.format(Locale.ROOT, "%.3f", e.worstDrift().psi()),
                e.worstDrift() == null ? "" : e.worstDrift().drift(),
                PerformanceWords.of(e.performance()),
                Severity.ofState(state),
                drift,
                errors,
                latency,
                lastHour(e.lastHour().minutes(), errors, latency, drift));
    }

    /**
     * The three sparklines of a version's last hour, each coloured by the severity of the figure it draws now:
     * requests a minute (by the errors' share), p99 (a minute of requests past the last latency bound drawn at that
     * bound) and worst drift.
     */
    private static List<Sparkline> lastHour(
            List<ModelIndexHandler.Minute> minutes, Severity errors, Severity latency, Severity drift) {
        double overMs = RecentRequests.BOUNDS_MAX_SECONDS * 1000;
        return List.of(
                Sparkline.of(
                        "requests",
                        "requests",
                        minutes.stream().map(m -> (double) m.requests()).toList(),
                        n -> String.format(Locale.ROOT, "%.0f", n),
                        true,
                        errors.cssClass()),
                Sparkline.of(
                        "p99",
                        "p99",
                        minutes.stream()
                                .map(m -> m.timed() == 0 ? null : m.p99Ms() == null ? overMs : m.p99Ms())
                                .toList(),
                        ms -> millis(ms, 1),
                        false,
                        latency.cssClass()),
                Sparkline.of(
                        "drift",
                        "worst drift",
                        minutes.stream()
                                .map(ModelIndexHandler.Minute::worstDriftPsi)
                                .toList(),
                        psi -> String.format(Locale.ROOT, "%.3f", psi),
                        false,
                        drift.cssClass()));
    }

    /** The repository's state in the words of the page. */
    static String state(String state) {
        return switch (state) {
            case "READY" -> "loaded";
            case "LOADING" -> "loading";
            case "UNAVAILABLE" -> "failed";
            default -> state.toLowerCase(Locale.ROOT);
        };
    }

    /** @param timed the requests {@code ms} is of: none is no figure, a figure past the last bound is "over" it */
    private static String millis(Double ms, long timed) {
        if (ms == null) {
            return timed == 0 ? "–" : "over " + seconds(RecentRequests.BOUNDS_MAX_SECONDS);
        }
        return ms >= 1000
                ? seconds(ms / 1000)
                : (ms >= 10 ? String.format(Locale.ROOT, "%.0f ms", ms) : String.format(Locale.ROOT, "%.2g ms", ms));
    }

    private static String seconds(double seconds) {
        if (seconds < 1) {
            return millis(seconds * 1000, 1);
        }
        return seconds >= 10
                ? String.format(Locale.ROOT, "%.0f s", seconds)
                : String.format(Locale.ROOT, "%.2g s", seconds);
    }
}
