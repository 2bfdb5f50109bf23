package org.tabserve.serving.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tabserve.model.signature.Prediction;
import org.tabserve.model.signature.PredictionColumns;

/**
 * A batch's predictions counted by class from their columns ({@link PredictionColumns}) give the counts its
 * {@code Prediction}s per row gave: rows scored, and each class's predictions, a row with no answer in neither class.
 */
class ScoredColumnsMetricsTest {

    @Test
    void eachClassIsCountedFromTheColumnsAsFromItsPredictions() throws IOException {
        List<String> classes = List.of("setosa", "versicolor", "virginica");
        int rows = 1_000;
        int[] labels = new int[rows];
        double[] probabilities = new double[3 * rows];
        for (int r = 0; r < rows; r++) {
            labels[r] = r % 7 == 0 ? PredictionColumns.NO_ANSWER : (r / 3 + r) % 3;
            probabilities[3 * r + Math.max(0, labels[r])] = 1;
        }
        PredictionColumns columns = PredictionColumns.classified(classes, labels, probabilities);
        TabserveMetrics fromColumns = new TabserveMetrics();
        fromColumns.scored("iris", columns);
        TabserveMetrics fromRows = new TabserveMetrics();
        fromRows.scored("iris", new ArrayList<Prediction>(columns));
        List<String> counted = counts(fromColumns);
        assertEquals(counts(fromRows), counted);
        assertEquals(4, counted.size(), "rows and three classes: " + counted);
        assertTrue(counted.contains("tabserve_rows_scored_total{model=\"iris\"} 1000.0"), counted.toString());
    }

    private static List<String> counts(TabserveMetrics metrics) throws IOException {
        return org.tabserve.testing.MetricsText.of(metrics.registry())
                .lines()
                .filter(l -> l.startsWith("tabserve_predictions_total{") || l.startsWith("tabserve_rows_scored_total{"))
                .toList();
    }
}
