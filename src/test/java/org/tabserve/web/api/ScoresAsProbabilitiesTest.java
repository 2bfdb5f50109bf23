package org.tabserve.web.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tabserve.launcher.TabserveServer;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.testing.Http;

/**
 * Where the probabilities are made by tabserve from a model's scores rather than by the model (issue 39, item 3), the
 * answer, the form and the card say so: the real exporter's SVC without {@code probability=True}
 * ({@code species-svc-scores}, one-vs-rest scores), whose labels are compared with scikit-learn's; a model that gives
 * its own probabilities ({@code species-zipmap}) says nothing of the kind.
 */
class ScoresAsProbabilitiesTest {

    private static final Path DIR = Path.of("src/test/resources/org/tabserve/fixtures/penguins");

    private static TabserveServer scores;
    private static TabserveServer probabilities;

    @BeforeAll
    static void start() throws Exception {
        scores = TabserveServer.startReady(
                "--model", DIR.resolve("species-svc-scores.onnx").toString());
        probabilities = TabserveServer.startReady(
                "--model", DIR.resolve("species-zipmap.onnx").toString());
    }

    @AfterAll
    static void stop() throws InterruptedException {
        scores.close();
        probabilities.close();
    }

    private static List<JsonNode> rows(String model, int count) throws Exception {
        List<JsonNode> rows = new ArrayList<>();
        for (JsonNode row : Http.JSON
                .readTree(DIR.resolve(model + ".expected.json").toFile())
                .path("rows")) {
            if (rows.size() < count && row.path("unknown").isEmpty()) {
                rows.add(row);
            }
        }
        return rows;
    }

    @Test
    void theAnswersOfAModelOfScoresSaySoOnceAndLabelAsScikitLearn() throws Exception {
        Http http = new Http(scores);
        List<JsonNode> rows = rows("species-svc-scores", 20);
        JsonNode one = http.postJson("/api/predict", rows.get(0).path("inputs").toString())
                .json();
        assertEquals(rows.get(0).path("label").asText(), one.path("label").asText());
        assertEquals(
                ModelSignature.PROBABILITY_NOTE, one.path("probabilities_note").asText(), one.toString());

        StringBuilder instances = new StringBuilder();
        for (JsonNode row : rows) {
            instances.append(instances.length() == 0 ? "" : ",").append(row.path("inputs"));
        }
        JsonNode batch = http.postJson("/api/predict", "{\"instances\": [" + instances + "]}")
                .json();
        for (int r = 0; r < rows.size(); r++) {
            JsonNode answer = batch.path("predictions").get(r);
            assertEquals(
                    rows.get(r).path("label").asText(), answer.path("label").asText(), "row " + r);
            assertFalse(answer.has("probabilities_note"), "said once for the batch, not per row");
        }
        assertEquals(
                ModelSignature.PROBABILITY_NOTE,
                batch.path("probabilities_note").asText());

        String form = http.postForm(
                        "/",
                        "bill_length_mm=39.1&bill_depth_mm=18.7&flipper_length_mm=181" + "&body_mass_g=3750",
                        "Accept",
                        "text/html")
                .text();
        assertTrue(form.contains("Share of each class: scores normalised by softmax"), form);
        String card = http.get("/card", "Accept", "text/html").text();
        assertTrue(card.contains("<dt>Probabilities</dt>") || card.contains(">Probabilities<"), card);
        assertTrue(card.contains("scores normalised by softmax (a sigmoid for a single score), not calibrated"), card);
    }

    @Test
    void aModelThatGivesItsOwnProbabilitiesSaysNothingOfTheKind() throws Exception {
        Http http = new Http(probabilities);
        JsonNode row = rows("species-zipmap", 1).get(0);
        JsonNode one =
                http.postJson("/api/predict", row.path("inputs").toString()).json();
        assertEquals(row.path("label").asText(), one.path("label").asText());
        assertFalse(one.has("probabilities_note"), one.toString());
        assertFalse(http.get("/card", "Accept", "text/html").text().contains("normalised by softmax"));
    }
}
