package org.tabserve.serving.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;
import org.tabserve.testing.MetricsText;

/**
 * A model's novelty series are looked up once, and forgetting the model removes the series before the looked-up
 * ones, so that a request that raced the unload leaves no removed series looked up for the next ones.
 */
class NoveltyCountsForgetTest {

    private static final String CHECKED = "tabserve_novelty_checked_rows_total{model=\"m\"}";
    private static final String NOVEL = "tabserve_novel_rows_total{model=\"m\"}";

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final NoveltyCounts counts = new NoveltyCounts(registry);

    private double figure(String line) {
        for (String l : MetricsText.of(registry).split("\n")) {
            if (l.startsWith(line + " ")) {
                return Double.parseDouble(l.substring(line.length() + 1));
            }
        }
        return 0;
    }

    /** The next request's rows show in both series, whatever a request that raced the unload left. */
    private void assertTheNextRequestShows() {
        double checked = figure(CHECKED);
        double novel = figure(NOVEL);
        counts.record("m", 5, 2);
        assertEquals(checked + 5, figure(CHECKED), () -> MetricsText.of(registry));
        assertEquals(novel + 2, figure(NOVEL), () -> MetricsText.of(registry));
    }

    @Test
    void aRequestThatLooksTheSeriesUpJustBeforeTheirRemovalLeavesNoRemovedSeriesLookedUp() {
        counts.record("m", 3, 1);
        // The request comes in during the unload, before the series leave: were the look-ups forgotten first, it
        // would look the series up again, and the removal would then leave it holding removed ones for good.
        counts.forget("m", () -> {
            counts.record("m", 3, 1);
            counts.removeSeries("m");
        });
        assertTheNextRequestShows();
        assertEquals(5, counts.of("m").checked(), "the counts start again after the unload");
    }

    @Test
    void aRequestThatLooksTheSeriesUpJustAfterTheirRemovalLeavesNoRemovedSeriesLookedUp() {
        counts.record("m", 3, 1);
        counts.forget("m", () -> {
            counts.removeSeries("m");
            counts.record("m", 3, 1);
        });
        assertTheNextRequestShows();
    }

    @Test
    void aForgottenModelsSeriesLeaveMetrics() {
        counts.record("m", 3, 1);
        counts.forget("m");
        assertEquals(false, MetricsText.of(registry).contains("model=\"m\""), () -> MetricsText.of(registry));
        assertTheNextRequestShows();
    }
}
