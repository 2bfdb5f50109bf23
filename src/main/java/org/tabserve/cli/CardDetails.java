package org.tabserve.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tabserve.cardmaking.BackgroundSample;
import org.tabserve.cardmaking.ClassificationMetrics;
import org.tabserve.cardmaking.ExampleRows;
import org.tabserve.cardmaking.Histograms;
import org.tabserve.cardmaking.RegressionMetrics;
import org.tabserve.model.Model;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.Prediction;
import org.tabserve.model.signature.Task;

/**
 * Pass two of the {@code card} command: histograms over pass one's ranges, the example rows, and, when it scores, the
 * metrics; or, for {@code --eval}'s file (no pass one), the metrics alone.
 */
final class CardDetails {

    /** Example rows of a regressor, spread across the target's range. */
    static final int REGRESSION_EXAMPLES = 5;

    final CardStatistics first;
    final Model model;
    final String labelColumn;
    final Cells cells;
    final Map<String, List<Double>> edges = new LinkedHashMap<>();
    final Map<String, Map<String, long[]>> histograms = new LinkedHashMap<>();
    final Map<String, long[]> examplePositions = new LinkedHashMap<>();
    final Map<String, Long> seen = new LinkedHashMap<>();
    final Map<String, List<Map<String, Object>>> examples = new LinkedHashMap<>();
    final double[] targets = new double[REGRESSION_EXAMPLES];
    final double[] bestDistance = new double[REGRESSION_EXAMPLES];
    final Map<String, Object>[] regressionExamples;
    final ClassificationMetrics classification;
    final RegressionMetrics regression;
    final BackgroundSample background = new BackgroundSample();
    long rows;

    @SuppressWarnings("unchecked")
    CardDetails(Model model, String labelColumn, CardStatistics first) {
        this.first = first;
        this.model = model;
        this.labelColumn = labelColumn;
        this.cells = new Cells(model.signature());
        boolean classifier = model.signature().task() == Task.CLASSIFICATION;
        this.classification =
                classifier ? new ClassificationMetrics(model.signature().classLabels()) : null;
        this.regression = classifier ? null : new RegressionMetrics();
        this.regressionExamples = new Map[REGRESSION_EXAMPLES];
        if (first == null) {
            return; // scores only
        }
        first.summaries.forEach((feature, summary) -> {
            List<Double> featureEdges = Histograms.edges(summary.min(), summary.max(), Histograms.BINS);
            if (!featureEdges.isEmpty()) {
                edges.put(feature, featureEdges);
                histograms.put(feature, new LinkedHashMap<>());
            }
        });
        if (classifier) {
            first.classRows.forEach((label, count) -> {
                examplePositions.put(label, ExampleRows.positions(count));
                examples.put(label, new ArrayList<>());
            });
        } else if (first.target.count() > 0) {
            for (int k = 0; k < REGRESSION_EXAMPLES; k++) {
                targets[k] =
                        first.target.min() + k * (first.target.max() - first.target.min()) / (REGRESSION_EXAMPLES - 1);
                bestDistance[k] = Double.POSITIVE_INFINITY;
            }
        }
    }

    /** @param numbers each row's number in the file (unused: pass one checked the labels) */
    void accept(Batch batch, List<String> labels, long[] numbers) {
        if (first == null) {
            return;
        }
        for (int r = 0; r < batch.size(); r++) {
            rows++;
            int at = r;
            background.offer(() -> backgroundRow(batch, at));
            String label = labels.get(r);
            String group = first.group(label);
            for (int f = 0; f < cells.features().size(); f++) {
                String name = cells.features().get(f).name();
                List<Double> featureEdges = edges.get(name);
                double value = featureEdges == null ? Double.NaN : cells.number(batch, r, f);
                if (!Double.isNaN(value)) {
                    histograms.get(name)
                            .computeIfAbsent(group, g -> new long[Histograms.BINS])[
                            Histograms.bin(value, featureEdges)]++;
                }
            }
            if (classification != null) {
                long position = seen.merge(label, 1L, Long::sum) - 1;
                for (long wanted : examplePositions.get(label)) {
                    if (wanted == position) {
                        examples.get(label).add(row(batch, r));
                    }
                }
            } else {
                double y = Double.parseDouble(label);
                for (int k = 0; k < REGRESSION_EXAMPLES; k++) {
                    double distance = Math.abs(y - targets[k]);
                    if (distance < bestDistance[k]) {
                        bestDistance[k] = distance;
                        regressionExamples[k] = row(batch, r);
                    }
                }
            }
        }
    }

    /** A row of the background sample: as the examples hold it, but a boolean input's value as a boolean. */
    private List<Object> backgroundRow(Batch batch, int r) {
        List<Object> row = new ArrayList<>(cells.features().size());
        for (int f = 0; f < cells.features().size(); f++) {
            Object value = cells.value(batch, r, f);
            row.add(
                    cells.features().get(f).type() == org.tabserve.model.signature.ValueType.BOOL && value != null
                            ? (Object) Boolean.valueOf((String) value)
                            : value);
        }
        return row;
    }

    private Map<String, Object> row(Batch batch, int r) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int f = 0; f < cells.features().size(); f++) {
            row.put(cells.features().get(f).name(), cells.value(batch, r, f));
        }
        return row;
    }

    /** @param numbers each row's number in the file, for messages about its label */
    void score(List<String> labels, List<Prediction> predictions, long[] numbers) {
        for (int r = 0; r < predictions.size(); r++) {
            if (first == null) {
                rows++;
            }
            String label = LabelCheck.checkLabel(model, labelColumn, labels.get(r), numbers[r]);
            if (predictions.get(r) instanceof Prediction.Classification c) {
                classification.add(label, c.label(), c.probabilities());
            } else {
                regression.add(Double.parseDouble(label), ((Prediction.Regression) predictions.get(r)).value());
            }
        }
    }

    Map<String, Object> metrics(String method) {
        return classification != null ? classification.toJson(method) : regression.toJson(method);
    }

    Map<String, Object> histogramsJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        histograms.forEach((feature, counts) -> {
            Map<String, long[]> ordered = new LinkedHashMap<>();
            if (classification != null) {
                model.signature()
                        .classLabels()
                        .forEach(c -> ordered.put(c, counts.getOrDefault(c, new long[Histograms.BINS])));
            } else {
                ordered.putAll(counts);
            }
            json.put(feature, Histograms.toJson(edges.get(feature), ordered));
        });
        return json;
    }

    Map<String, Object> examplesJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        if (classification != null) {
            examples.forEach((label, rows) -> {
                if (!rows.isEmpty()) {
                    json.put(label, rows);
                }
            });
        } else {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Map<String, Object> row : regressionExamples) {
                if (row != null && !rows.contains(row)) {
                    rows.add(row);
                }
            }
            if (!rows.isEmpty()) {
                json.put(labelColumn, rows);
            }
        }
        return json;
    }
}
