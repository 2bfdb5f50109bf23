package org.tabserve.web.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tabserve.launcher.TabserveServer;
import org.tabserve.testing.Http;

/**
 * The real exporter's 28-class SVC on 69 inputs ({@code classes-28}, one-vs-rest scores, issue 39) answers every row
 * of its data as scikit-learn did: the same class, and each class's share the softmax of scikit-learn's
 * {@code decision_function} scores.
 */
class ManyClassesAnswersTest {

    static final Path DIR = Path.of("src/test/resources/org/tabserve/fixtures/wide");

    @Test
    void everyRowGetsScikitLearnsClassAndTheSoftmaxOfItsScores() throws Exception {
        JsonNode expected =
                Http.JSON.readTree(DIR.resolve("classes-28.expected.json").toFile());
        List<String> lines = Files.readAllLines(DIR.resolve("classes-28.labelled.csv"));
        StringBuilder instances = new StringBuilder();
        for (String line : lines.subList(1, lines.size())) {
            instances
                    .append(instances.length() == 0 ? "" : ",")
                    .append('[')
                    .append(line.substring(0, line.lastIndexOf(',')))
                    .append(']');
        }
        try (TabserveServer server = TabserveServer.startReady(
                "--model", DIR.resolve("classes-28.onnx").toString())) {
            JsonNode answer = new Http(server)
                    .postJson("/api/predict", "{\"instances\": [" + instances + "]}")
                    .json();
            JsonNode predictions = answer.path("predictions");
            assertEquals(lines.size() - 1, predictions.size(), answer.toString());
            int rows = 0;
            for (JsonNode row : expected.path("rows")) {
                JsonNode got = predictions.get(row.path("row").asInt() - 1);
                assertEquals(row.path("label").asText(), got.path("label").asText(), "row " + row.path("row"));
                double max = Double.NEGATIVE_INFINITY;
                for (JsonNode score : row.path("scores")) {
                    max = Math.max(max, score.asDouble());
                }
                double sum = 0;
                for (JsonNode score : row.path("scores")) {
                    sum += Math.exp(score.asDouble() - max);
                }
                assertEquals(28, got.path("probabilities").size());
                for (Iterator<Map.Entry<String, JsonNode>> it =
                                row.path("scores").fields();
                        it.hasNext(); ) {
                    Map.Entry<String, JsonNode> score = it.next();
                    assertEquals(
                            Math.exp(score.getValue().asDouble() - max) / sum,
                            got.path("probabilities").path(score.getKey()).asDouble(),
                            1e-3,
                            "row " + row.path("row") + ", " + score.getKey());
                }
                rows++;
            }
            assertEquals(156, rows);
        }
    }
}
