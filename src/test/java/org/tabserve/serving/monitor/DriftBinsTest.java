package org.tabserve.serving.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.cli.FixtureCards;
import org.tabserve.launcher.TabserveServer;
import org.tabserve.testing.Http;
import org.tabserve.testing.ModelDirectory;

/**
 * Each input's live and training histograms in {@code /metrics} of a real server: one series a bin (a number's
 * histogram bin, a text's category) per input per model version, each live count the one {@code GET /api/model} shows
 * since the version was loaded and each training share the card's count over the card's total, and none left once the
 * version is unloaded.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DriftBinsTest {

    private static final String TOKEN = "test-admin-token-0123456789abcdef";
    private static final String LIVE = "tabserve_feature_bin_values_total";
    private static final String TRAINING = "tabserve_feature_bin_training_share";
    private static final Pattern SAMPLE = Pattern.compile("^(\\w+)\\{(.*)} (\\S+)$", Pattern.MULTILINE);
    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    @TempDir
    static Path dir;

    static TabserveServer server;
    static Http http;

    @BeforeAll
    static void start() throws Exception {
        Path models = Files.createDirectory(dir.resolve("models"));
        Path cards = Files.createDirectory(dir.resolve("cards"));
        Files.copy(FixtureCards.banknote(cards), models.resolve("notes.onnx"));
        Files.copy(FixtureCards.card(cards, "species-zipmap", "species"), models.resolve("species.onnx"));
        server = TabserveServer.startReady(
                Map.of("TABSERVE_ADMIN_TOKEN", TOKEN), "--models", models.toString(), "--default-model", "notes");
        http = new Http(server);
        ModelDirectory.awaitReady(http, 2);
        List<String> lines = Files.readAllLines(Path.of("data/BankNote_Authentication.csv"));
        StringJoiner notes = new StringJoiner(",", "{\"instances\": [", "]}");
        for (String line : lines.subList(1, 301)) {
            String[] cells = line.split(",");
            notes.add("{\"variance\": " + cells[0] + ", \"skewness\": " + cells[1] + ", \"curtosis\": " + cells[2]
                    + ", \"entropy\": " + cells[3] + "}");
        }
        notes.add("{\"variance\": 99, \"skewness\": 1, \"curtosis\": 1, \"entropy\": 1}"); // out of range
        assertEquals(
                200,
                http.postJson("/models/notes/api/predict", notes.toString()).status());
        StringJoiner penguins = new StringJoiner(",", "{\"instances\": [", "]}");
        for (String island : List.of("Torgersen", "Biscoe", "Biscoe", "Dream", "Atlantis")) {
            penguins.add("{\"island\": \"" + island + "\", \"bill_length_mm\": 39.1, \"bill_depth_mm\": 18.7,"
                    + " \"flipper_length_mm\": 181, \"body_mass_g\": 3750, \"sex\": \"MALE\"}");
        }
        assertEquals(
                200,
                http.postJson("/models/species/api/predict", penguins.toString())
                        .status());
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    @Order(1)
    void eachBinOfEachInputIsASeriesWithTheLiveCountAndTheTrainingShareTheApiShows() {
        String metrics = http.get("/metrics").text();
        assertTrue(metrics.contains("# TYPE " + LIVE + " counter"), metrics);
        assertTrue(metrics.contains("# TYPE " + TRAINING + " gauge"), metrics);
        for (String model : List.of("notes", "species")) {
            Map<String, Double> live = series(metrics, LIVE, model);
            Map<String, Double> training = series(metrics, TRAINING, model);
            int bins = 0;
            for (JsonNode feature :
                    http.get("/models/" + model + "/api/model").json().path("features")) {
                JsonNode profile = feature.path("live");
                if (profile.path("compared_on").asText().equals("none")) {
                    continue;
                }
                double total = 0;
                for (JsonNode count : profile.path("training")) {
                    total += count.asDouble();
                }
                long counted = 0;
                for (int b = 0; b < profile.path("bins").size(); b++) {
                    String key = feature.path("name").asText() + "/"
                            + profile.path("bins").get(b).asText();
                    long count =
                            profile.path("since_start").path("counts").get(b).asLong();
                    assertEquals((double) count, live.get(key), model + " " + key + ": " + profile);
                    assertEquals(
                            profile.path("training").get(b).asDouble() / total,
                            training.get(key),
                            1e-12,
                            model + " " + key);
                    counted += count;
                    bins++;
                }
                assertTrue(counted > 0, model + " " + feature.path("name").asText() + " counted nothing: " + profile);
            }
            assertTrue(bins > 0, model + " has inputs with bins");
            assertEquals(bins, live.size(), model + ": one live series a bin, no more: " + live.keySet());
            assertEquals(bins, training.size(), model + ": one training series a bin, no more");
        }
        assertEquals(2.0, series(metrics, LIVE, "species").get("island/Biscoe"), "Atlantis is in no bin");
    }

    @Test
    @Order(2)
    void anUnloadedVersionsBinSeriesGo() {
        assertFalse(series(http.get("/metrics").text(), LIVE, "species").isEmpty());
        Http.Response unloaded = http.post(
                "/v2/repository/models/species/unload",
                "application/json",
                "{}".getBytes(),
                "Authorization",
                "Bearer " + TOKEN);
        assertEquals(200, unloaded.status(), unloaded::text);
        String metrics = http.get("/metrics").text();
        assertTrue(series(metrics, LIVE, "species").isEmpty(), metrics);
        assertTrue(series(metrics, TRAINING, "species").isEmpty(), metrics);
        assertFalse(series(metrics, LIVE, "notes").isEmpty(), "the other model's stay");
    }

    /** @return the samples of series {@code name} of model {@code model}, by "feature/bin" */
    private static Map<String, Double> series(String metrics, String name, String model) {
        Map<String, Double> found = new HashMap<>();
        Matcher sample = SAMPLE.matcher(metrics);
        while (sample.find()) {
            if (!sample.group(1).equals(name)) {
                continue;
            }
            Map<String, String> labels = new HashMap<>();
            Matcher label = LABEL.matcher(sample.group(2));
            while (label.find()) {
                labels.put(label.group(1), label.group(2).replace("\\\"", "\"").replace("\\\\", "\\"));
            }
            if (model.equals(labels.get("model"))) {
                Double before =
                        found.put(labels.get("feature") + "/" + labels.get("bin"), Double.parseDouble(sample.group(3)));
                assertEquals(null, before, "one series a bin: " + sample.group());
            }
        }
        return found;
    }
}
