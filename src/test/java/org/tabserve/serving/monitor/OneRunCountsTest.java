package org.tabserve.serving.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tabserve.model.signature.Prediction;

/**
 * A single row, or a batch whose rows are all of one class, is counted as one run without the map of classes a mixed
 * batch builds: the same counts either way.
 */
class OneRunCountsTest {

    private static final List<String> CLASSES = List.of("genuine", "forged");

    @Test
    void aSingleRowAndABatchOfOneClassCountTheirClass() {
        TabserveMetrics metrics = new TabserveMetrics();
        metrics.scored("banknote", List.of(forged()));
        metrics.scored("banknote", List.of(forged()));
        List<Prediction> oneClass = new ArrayList<>(List.of(genuine(), genuine()));
        oneClass.add(null); // a row whose scores were not finite: not counted, and the run goes on past it
        oneClass.add(genuine());
        metrics.scored("banknote", oneClass);
        metrics.scored("banknote", new ArrayList<>(java.util.Collections.singletonList(null))); // no class at all
        String text = scrape(metrics);
        assertEquals(2.0, figure(text, "tabserve_predictions_total{class=\"forged\",model=\"banknote\"}"), text);
        assertEquals(3.0, figure(text, "tabserve_predictions_total{class=\"genuine\",model=\"banknote\"}"), text);
        assertEquals(7.0, figure(text, "tabserve_rows_scored_total{model=\"banknote\"}"), text);
    }

    @Test
    void aBatchOfTwoClassesStillCountsEach() {
        TabserveMetrics metrics = new TabserveMetrics();
        metrics.scored("banknote", List.of(genuine(), forged(), genuine()));
        String text = scrape(metrics);
        assertEquals(2.0, figure(text, "tabserve_predictions_total{class=\"genuine\",model=\"banknote\"}"), text);
        assertEquals(1.0, figure(text, "tabserve_predictions_total{class=\"forged\",model=\"banknote\"}"), text);
    }

    private static Prediction genuine() {
        return new Prediction.Classification(new String("genuine"), CLASSES, List.of(0.9, 0.1));
    }

    private static Prediction forged() {
        return new Prediction.Classification(new String("forged"), CLASSES, List.of(0.2, 0.8));
    }

    /** The value of the series {@code series} in the scrape, or NaN when it is not there. */
    private static double figure(String text, String series) {
        return text.lines()
                .filter(l -> l.startsWith(series + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(series.length() + 1)))
                .findFirst()
                .orElse(Double.NaN);
    }

    private static String scrape(TabserveMetrics metrics) {
        return org.tabserve.testing.MetricsText.of(metrics.registry());
    }
}
