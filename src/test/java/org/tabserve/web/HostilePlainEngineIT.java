package org.tabserve.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tabserve.cli.FixtureCards;
import org.tabserve.testing.Http;
import org.tabserve.testing.RunningServer;
import org.tabserve.testing.TabserveProcess;

/**
 * Issue 47, item 12, as the issue found it, against the packaged WAR with the shipped settings: scikit-learn's
 * Normalizer + LogisticRegression pipeline (skl2onnx) answered an all-zero row alone or in a batch of up to 16 rows
 * with 400 "no finite probabilities" for the whole batch (the plain-Java engine divided it by its zero norm), and in
 * 17 rows or more, on ONNX Runtime, with scikit-learn's answer. Now a batch of any size answers the zero row as ONNX
 * Runtime and scikit-learn do, and a row whose squares overflow float is refused in words on both engines alike.
 */
class HostilePlainEngineIT {

    static final String PREDICT = "/models/normalized/api/predict";
    /** scikit-learn's probability of FEMALE for the all-zero row (normalized-linear.edges.json). */
    static final double SKLEARN_ZERO_ROW = 0.5068635;

    static final String ZERO =
            "{\"bill_length_mm\": 0, \"bill_depth_mm\": 0, \"flipper_length_mm\": 0," + " \"body_mass_g\": 0}";
    static final String ORDINARY = "{\"bill_length_mm\": 39.5, \"bill_depth_mm\": 17.4, \"flipper_length_mm\": 186,"
            + " \"body_mass_g\": 3800}";
    static final String HUGE = "{\"bill_length_mm\": 39.5, \"bill_depth_mm\": 17.4, \"flipper_length_mm\": 186,"
            + " \"body_mass_g\": 1e20}";

    private static Path models;
    private static TabserveProcess server;

    @BeforeAll
    static void start() throws Exception {
        models = modelDirectory();
        server = TabserveProcess.start(
                TabserveProcess.war(),
                TabserveProcess.SHIPPED_BOUNDS_JVM_OPTIONS,
                List.of("--port", "0", "--models", models.toString()),
                TabserveProcess.SHIPPED_ENVIRONMENT);
        server.awaitReady(Duration.ofSeconds(90));
    }

    /** A new directory holding {@code normalized.onnx}: the fixture with a card made by the real card command. */
    static Path modelDirectory() throws Exception {
        Path dir = Files.createTempDirectory("tabserve-plain");
        Path fixtures = Path.of("src/test/resources/org/tabserve/fixtures/boosted");
        FixtureCards.card(
                fixtures.resolve("normalized-linear.onnx"),
                fixtures.resolve("normalized-linear.labelled.csv"),
                "sex",
                dir.resolve("normalized.onnx"));
        return dir;
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
    void theZeroRowAloneAndInSmallBatchesIsAnsweredAsOnOnnxRuntime() {
        assertZeroRowAnsweredAsOnOnnxRuntime(server);
    }

    @Test
    void aRowWhoseSquaresOverflowIsRefusedInWordsInBatchesOfEverySize() {
        assertOverflowRefusedAlike(server);
    }

    /**
     * The model runs in plain Java; the zero row alone and first in batches of 2 and 16 gets the answer it gets in 17
     * rows: scikit-learn's.
     */
    static void assertZeroRowAnsweredAsOnOnnxRuntime(RunningServer server) {
        Http http = new Http(server);
        assertEquals(
                "plain Java",
                http.get("/models/normalized/api/model")
                        .json()
                        .at("/engine/name")
                        .asText());
        double onnxRuntime =
                female(http.postJson(PREDICT, batch(ZERO, 17)).json().at("/predictions/0"));
        assertEquals(SKLEARN_ZERO_ROW, onnxRuntime, 1e-6);
        assertEquals(onnxRuntime, female(http.postJson(PREDICT, ZERO).json()), 1e-6, "alone");
        for (int size : new int[] {1, 2, 16}) {
            JsonNode answer = http.postJson(PREDICT, batch(ZERO, size)).json();
            assertEquals(size, answer.get("predictions").size());
            assertEquals(onnxRuntime, female(answer.at("/predictions/0")), 1e-6, size + " rows");
        }
    }

    /** 1e20 squared overflows float in ONNX Runtime's Normalizer: 400 naming the field, whichever engine runs. */
    static void assertOverflowRefusedAlike(RunningServer server) {
        Http http = new Http(server);
        for (int size : new int[] {1, 16, 17}) {
            Http.Response refused = http.postJson(PREDICT, batch(HUGE, size));
            JsonNode problem = refused.problem(400);
            assertTrue(
                    problem.toString().contains("body_mass_g")
                            && problem.toString().contains("no finite"),
                    size + " rows: " + problem);
        }
    }

    /** {@code first} then ordinary rows, {@code size} in all. */
    static String batch(String first, int size) {
        List<String> rows = new ArrayList<>(Collections.nCopies(size - 1, ORDINARY));
        rows.add(0, first);
        return "{\"instances\": [" + String.join(",", rows) + "]}";
    }

    private static double female(JsonNode prediction) {
        JsonNode probabilities = prediction.get("probabilities");
        assertTrue(probabilities != null, "probabilities in " + prediction);
        return probabilities.has("FEMALE")
                ? probabilities.get("FEMALE").asDouble()
                : probabilities.get(0).asDouble();
    }
}
