package org.tabserve.serving.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;
import org.tabserve.testing.MetricsText;

/**
 * A model's series are looked up once, and an unload forgets the looked-up ones after the registry's removal, so a
 * request after the unload counts into series that {@code /metrics} shows, whichever side of the removal a racing
 * request looked its series up on (each order played out here on one thread; web.MetricsAcrossReloadTest races real
 * requests on a real server).
 */
class ModelSeriesTest {

    private static final String ROWS = "tabserve_rows_scored_total{model=\"m\"}";
    private static final String CLASS = "tabserve_predictions_total{class=\"forged\",model=\"m\"}";
    private static final String REQUESTS =
            "tabserve_http_requests_total{method=\"POST\",model=\"m\",protocol=\"rest\",route=\"/api/predict\",status=\"200\"}";
    private static final String LATENCY =
            "tabserve_http_request_duration_seconds_count{method=\"POST\",model=\"m\",protocol=\"rest\",route=\"/api/predict\"}";

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final ModelSeries series = new ModelSeries(registry);

    /** What one answered single-row request of model {@code m} counts. */
    private void answer() {
        ModelSeries.Series of = series.of("m");
        of.rows(1);
        of.predictions("forged", 1);
        of.request("/api/predict", "POST", ModelSeries.statusLabel(200), "rest", 0.002, null);
    }

    private void assertCounts(double expected, String why) {
        String text = MetricsText.of(registry);
        for (String line : new String[] {ROWS, CLASS, REQUESTS, LATENCY}) {
            assertEquals(expected, figure(text, line), why + ": " + line + " in\n" + text);
        }
    }

    /** One more answer shows in every series it counts into (whatever a request that raced an unload left). */
    private void assertTheNextAnswerShows() {
        String before = MetricsText.of(registry);
        answer();
        String after = MetricsText.of(registry);
        for (String line : new String[] {ROWS, CLASS, REQUESTS, LATENCY}) {
            double was = figure(before, line);
            assertEquals(
                    (Double.isNaN(was) ? 0 : was) + 1,
                    figure(after, line),
                    "the answer after the unload: " + line + " in\n" + after);
        }
    }

    @Test
    void looksUpOnceAndCountsEveryRequest() {
        answer();
        answer();
        answer();
        assertCounts(3, "three answers");
        assertEquals("500", ModelSeries.statusLabel(500), "a status's label is its number");
        assertEquals("600", ModelSeries.statusLabel(600));
    }

    @Test
    void aModelReloadedCountsIntoSeriesThatMetricsShows() {
        answer();
        answer();
        series.forget("m");
        assertFalse(MetricsText.of(registry).contains("model=\"m\""), "the unloaded model's series went");
        answer();
        assertCounts(1, "the answer after the reload, not into the series removed");
    }

    @Test
    void aRequestThatLooksItsSeriesUpJustBeforeTheRemovalLeavesNoRemovedSeriesLookedUp() {
        answer();
        // The request comes in during the unload, before the series leave: were the look-ups forgotten first, it
        // would look the series up again, and then the removal would leave it holding removed ones for good.
        series.forget("m", () -> {
            answer();
            series.removeSeries("m");
        });
        assertTheNextAnswerShows();
    }

    @Test
    void aRequestThatLooksItsSeriesUpJustAfterTheRemovalLeavesNoRemovedSeriesLookedUp() {
        answer();
        // The request comes in after the series left, before the look-ups go: it counts into the removed series (it
        // raced the unload), and the next one finds live series.
        series.forget("m", () -> {
            series.removeSeries("m");
            answer();
        });
        assertTheNextAnswerShows();
    }

    @Test
    void anotherModelsSeriesStayLookedUpAndShown() {
        series.of("other").rows(2);
        answer();
        series.forget("m");
        series.of("other").rows(3);
        assertEquals(5.0, figure(MetricsText.of(registry), "tabserve_rows_scored_total{model=\"other\"}"));
    }

    /** The value of the series {@code series} in the scrape, or NaN when it is not there. */
    private static double figure(String text, String series) {
        return text.lines()
                .filter(l -> l.startsWith(series + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(series.length() + 1)))
                .findFirst()
                .orElse(Double.NaN);
    }
}
