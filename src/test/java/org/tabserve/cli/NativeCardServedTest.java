package org.tabserve.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tabserve.testing.Http;
import org.tabserve.testing.ModelDirectory;
import org.tabserve.testing.NativeForests;

/**
 * The server serves what {@code card} wrote beside an XGBoost classifier's and a LightGBM regressor's copies (trained
 * here by the libraries): an explanation against the card's background, a prediction set and an interval from its
 * conformal calibration, each feature's live drift compared on the card's histogram, the metrics on the card page, and
 * the file's SHA-256 the library's. A model whose card file is malformed is refused, in words naming the card file,
 * while the server serves the others.
 */
class NativeCardServedTest {

    private static final ModelDirectory DIR = directory();

    @RegisterExtension
    static final Http http = Http.startingTheApp("--models", DIR.root().toString());

    private static String xgboostSha256;

    private static ModelDirectory directory() {
        try {
            ModelDirectory dir = ModelDirectory.empty();
            Path trained = Files.createTempDirectory("tabserve-native");
            NativeForests.Trained xgb = NativeForests.xgboostClassifier(Files.createDirectories(trained.resolve("x")));
            NativeForests.Trained lgbm = NativeForests.lightgbmRegressor(Files.createDirectories(trained.resolve("l")));
            xgboostSha256 = NativeCardCommandTest.sha256(xgb.model());
            card(xgb, Files.createDirectories(dir.resolve("boxes/1")).resolve("model.json"));
            card(lgbm, Files.createDirectories(dir.resolve("mass/1")).resolve("model.txt"));
            Path bad = Files.createDirectories(dir.resolve("bad/1"));
            Files.copy(xgb.model(), bad.resolve("model.json"));
            Files.writeString(bad.resolve("model.card.json"), "{\"tabserve.name\": ");
            return dir;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void card(NativeForests.Trained model, Path out) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Commands.run(
                new String[] {
                    "card",
                    "--model",
                    model.model().toString(),
                    "--data",
                    model.data().toString(),
                    "--label",
                    NativeForests.LABEL,
                    "--out",
                    out.toString(),
                    "--calibration",
                    model.calibration().toString()
                },
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        if (status != 0) {
            throw new UncheckedIOException(new java.io.IOException(err.toString(StandardCharsets.UTF_8)));
        }
    }

    private static List<JsonNode> settled() throws InterruptedException {
        return ModelDirectory.awaitIndex(
                http,
                index -> index.size() == 3
                        && index.stream()
                                .noneMatch(m -> m.path("state").asText().equals("LOADING")));
    }

    @Test
    void theClassifiersCardGivesExplanationsSetsDriftAndMetrics() throws Exception {
        assertEquals(
                "READY",
                ModelDirectory.entry(settled(), "boxes", "1").path("state").asText());
        JsonNode model = http.get("/models/boxes/api/model").json();
        assertEquals(xgboostSha256, model.path("sha256").asText(), model::toString);
        JsonNode explained = http.postJson("/models/boxes/api/predict?explain=true", NativeForests.row())
                .json();
        JsonNode explanation = explained.path("explanation");
        assertEquals(NativeForests.FEATURES, names(explanation.path("contributions")), explained::toString);
        assertEquals(100, explanation.path("background_rows").asInt(), explained::toString);
        assertEquals("tree", explanation.path("method").asText(), "exact TreeSHAP from the file's trees: " + explained);
        String withCoverage = NativeForests.row().replaceFirst("^\\{", "{\"coverage\": 0.9, ");
        JsonNode set = http.postJson("/models/boxes/api/predict", withCoverage).json();
        assertTrue(
                set.path("prediction_set").isArray()
                        && !set.path("prediction_set").isEmpty(),
                set::toString);
        for (JsonNode feature : http.get("/models/boxes/api/model").json().path("features")) {
            assertEquals("histogram", feature.path("live").path("compared_on").asText(), feature::toString);
        }
        String page = http.get("/models/boxes/card", "Accept", "text/html").text();
        assertTrue(page.contains("train.csv, 300 rows"), "the card page shows the metrics and how they were measured");
    }

    @Test
    void theRegressorsCardGivesIntervals() throws Exception {
        assertEquals(
                "READY",
                ModelDirectory.entry(settled(), "mass", "1").path("state").asText());
        String withCoverage = NativeForests.row().replaceFirst("^\\{", "{\"coverage\": 0.9, ");
        JsonNode answer =
                http.postJson("/models/mass/api/predict", withCoverage).json();
        JsonNode interval = answer.path("interval");
        assertEquals(0.9, interval.path("coverage").asDouble(), answer::toString);
        assertTrue(interval.path("lower").asDouble() <= answer.path("value").asDouble()
                && answer.path("value").asDouble() <= interval.path("upper").asDouble());
        JsonNode explained = http.postJson("/models/mass/api/predict?explain=true", NativeForests.row())
                .json();
        assertEquals(NativeForests.FEATURES, names(explained.path("explanation").path("contributions")));
        assertEquals("tree", explained.path("explanation").path("method").asText(), explained::toString);
    }

    @Test
    void aMalformedCardRefusesItsModelInWordsAndTheServerServesTheOthers() throws Exception {
        JsonNode bad = ModelDirectory.entry(settled(), "bad", "1");
        assertFalse(bad.path("state").asText().equals("READY"), bad::toString);
        String reason = bad.toString();
        assertTrue(reason.contains("model.card.json") && reason.contains("is not valid JSON"), reason);
        assertEquals(
                200,
                http.postJson("/models/boxes/api/predict", NativeForests.row()).status());
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
