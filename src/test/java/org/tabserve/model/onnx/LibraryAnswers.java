package org.tabserve.model.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.tabserve.model.signature.Prediction;

/**
 * A tree fixture's {@code <model>.expected.json} as {@code fixtures/make_tree_checks.py} wrote it: each row's inputs
 * (null for NaN) and the training library's own label and probabilities, or value; and how far an engine's answers
 * are from them. Its data rows ({@link #of}) or its rows at float's extremes ({@link #extremesOf}: a row's "data row"
 * is then its place among them, from 1).
 */
final class LibraryAnswers {

    static final Path DIR = Path.of("src/test/resources/org/tabserve/fixtures/trees");
    private static final ObjectMapper JSON = new ObjectMapper();

    final String model;
    final String library;
    final List<String> classes = new ArrayList<>();
    final List<Object[]> rows = new ArrayList<>();
    final List<Integer> dataRows = new ArrayList<>();
    private final List<JsonNode> answers = new ArrayList<>();

    private LibraryAnswers(JsonNode expected, String which) {
        model = expected.get("model").asText();
        library = expected.get("library").asText();
        if (expected.has("classes")) {
            expected.get("classes").forEach(c -> classes.add(c.asText()));
        }
        int place = 0;
        for (JsonNode row : expected.get(which)) {
            place++;
            Object[] cells = new Object[row.get("inputs").size()];
            for (int f = 0; f < cells.length; f++) {
                JsonNode cell = row.get("inputs").get(f);
                cells[f] = cell.isNull() ? null : (Object) cell.asDouble();
            }
            rows.add(cells);
            dataRows.add(row.has("row") ? row.get("row").asInt() : place);
            answers.add(row);
        }
    }

    /** @param name the model's file name without {@code .onnx} */
    static LibraryAnswers of(String name) throws IOException {
        return new LibraryAnswers(
                JSON.readTree(DIR.resolve(name + ".expected.json").toFile()), "rows");
    }

    /** @param name the model's file name without {@code .onnx}; its rows at float's extremes, with their answers */
    static LibraryAnswers extremesOf(String name) throws IOException {
        return new LibraryAnswers(
                JSON.readTree(DIR.resolve(name + ".expected.json").toFile()), "extremes");
    }

    Path modelFile() {
        return DIR.resolve(model);
    }

    /** @return a regressor's value for row {@code r} (0-based in the file) */
    double value(int r) {
        return answers.get(r).get("value").asDouble();
    }

    boolean classifier() {
        return !classes.isEmpty();
    }

    /** How one engine's answers compare with the library's over every row. */
    record Gap(double max, int worstRow, int labelsDiffering, int firstLabelRow) {
        @Override
        public String toString() {
            return String.format(
                    "max |difference| %.3g (data row %d), %d labels differ%s",
                    max,
                    worstRow,
                    labelsDiffering,
                    labelsDiffering == 0 ? "" : " (first: data row " + firstLabelRow + ")");
        }
    }

    /**
     * @param predictions one per row, in row order
     * @return the largest |probability difference| (or |value difference|, relative beyond 1) and the labels that
     *         differ
     */
    Gap gap(List<Prediction> predictions) {
        double max = 0;
        int worst = -1;
        int labels = 0;
        int firstLabel = -1;
        for (int r = 0; r < rows.size(); r++) {
            JsonNode expected = answers.get(r);
            double d;
            if (classifier()) {
                Prediction.Classification c = predictions.get(r).classification();
                if (!c.label().equals(expected.get("label").asText())) {
                    labels++;
                    firstLabel = firstLabel < 0 ? dataRows.get(r) : firstLabel;
                }
                d = 0;
                for (int k = 0; k < classes.size(); k++) {
                    double p = expected.get("probabilities").get(k).asDouble();
                    d = Math.max(d, Math.abs(p - c.probabilityOf(classes.get(k))));
                }
            } else {
                double v = expected.get("value").asDouble();
                d = Math.abs(v - ((Prediction.Regression) predictions.get(r)).value()) / Math.max(1, Math.abs(v));
            }
            if (!(d <= max)) {
                max = d;
                worst = dataRows.get(r);
            }
        }
        return new Gap(max, worst, labels, firstLabel);
    }
}
