package org.tabserve.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tabserve.launcher.TabserveServer;
import org.tabserve.testing.Http;
import org.tabserve.testing.RunningServer;

/**
 * Issue 53, item 2, through the server: the XGBoost {@code reg:logistic} model whose graph holds its logistic (a
 * one-target TreeEnsembleRegressor with post_transform LOGISTIC, which ONNX Runtime 1.29 leaves out: onnxruntime#26596)
 * is served by plain Java, {@code /api/model}'s {@code engine} note says that ONNX Runtime is wrong there and names the
 * issue, and {@code /api/predict} answers XGBoost's own values within 1e-6 for a row alone and in a batch of 20 (more
 * rows than plain Java answers for a model ONNX Runtime is right on). {@link KnownOrtErrorEngineNoteIT} runs the same on the
 * packaged WAR under the shipped flags.
 */
class KnownOrtErrorEngineNoteTest {

    private static final Path FIXTURES = Path.of("src/test/resources/org/tabserve/fixtures/trees");
    private static final String NAME = "xgb-sex-reg-logistic-fixed";

    private static Path models;
    private static TabserveServer server;

    @BeforeAll
    static void start() throws Exception {
        models = modelDirectory();
        server = TabserveServer.startReady("--models", models.toString());
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (models != null) {
            try (var files = Files.walk(models)) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void theEngineNoteNamesOnnxRuntimesErrorAndThePredictionsAreXgboosts() throws Exception {
        assertServedInPlainJava(server);
    }

    /** A new directory holding the fixture as {@code sex-probability.onnx}. */
    static Path modelDirectory() throws Exception {
        Path dir = Files.createTempDirectory("tabserve-known-ort-error");
        Files.copy(FIXTURES.resolve(NAME + ".onnx"), dir.resolve("sex-probability.onnx"));
        return dir;
    }

    /** The assertions of this test, on any running server whose models are {@link #modelDirectory()}'s. */
    static void assertServedInPlainJava(RunningServer server) throws Exception {
        Http http = new Http(server);
        JsonNode engine = http.get("/models/sex-probability/api/model").json().get("engine");
        assertEquals("plain Java", engine.get("name").asText(), engine.toString());
        String note = engine.get("note").asText();
        assertTrue(
                note.contains("every batch is computed in plain Java")
                        && note.contains("ONNX Runtime, which is wrong on this graph")
                        && note.contains("post_transform LOGISTIC")
                        && note.contains("onnxruntime#26596"),
                note);

        JsonNode expected = new ObjectMapper()
                .readTree(FIXTURES.resolve(NAME + ".expected.json").toFile());
        List<String> features = new ArrayList<>();
        expected.get("features").forEach(f -> features.add(f.asText()));
        List<String> instances = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        for (int r = 0; r < 20; r++) {
            JsonNode row = expected.get("rows").get(r * 7);
            List<String> cells = new ArrayList<>();
            for (int f = 0; f < features.size(); f++) {
                cells.add("\"" + features.get(f) + "\": " + row.get("inputs").get(f));
            }
            instances.add("{" + String.join(", ", cells) + "}");
            values.add(row.get("value").asDouble());
        }
        String path = "/models/sex-probability/api/predict";
        JsonNode alone = http.postJson(path, instances.get(0)).json();
        assertEquals(values.get(0), alone.get("value").asDouble(), 1e-6, alone.toString());
        JsonNode batch = http.postJson(path, "{\"instances\": [" + String.join(",", instances) + "]}")
                .json();
        assertEquals(20, batch.get("predictions").size(), batch.toString());
        for (int r = 0; r < 20; r++) {
            assertEquals(values.get(r), batch.at("/predictions/" + r + "/value").asDouble(), 1e-6, "row " + r);
        }
    }
}
