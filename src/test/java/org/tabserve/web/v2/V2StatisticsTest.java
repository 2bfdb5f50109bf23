package org.tabserve.web.v2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.cli.FixtureCards;
import org.tabserve.launcher.TabserveServer;
import org.tabserve.testing.Http;
import org.tabserve.testing.ModelDirectory;

/**
 * The Open Inference Protocol's statistics extension, {@code GET /v2/models[/{name}[/versions/{v}]]/stats}, on two
 * copies of the carded bank-note model: rows scored and model calls from every route, requests that scored and that
 * were refused with their total times, the last inference's time, each input's live drift beside them; pages and
 * metadata count as nothing; every model's statistics at {@code /v2/models/stats}; an unknown model is a 404.
 */
class V2StatisticsTest {

    @TempDir
    static Path dir;

    static TabserveServer server;
    static Http http;
    static long before;

    private static final String ROW =
            "{\"variance\": 3.6216, \"skewness\": 8.6661, \"curtosis\": -2.8073," + " \"entropy\": -0.44699}";

    @BeforeAll
    static void start() throws Exception {
        Path models = Files.createDirectory(dir.resolve("models"));
        Path carded = FixtureCards.banknote(dir);
        Files.copy(carded, models.resolve("counted.onnx"));
        Files.copy(carded, models.resolve("idle.onnx"));
        server = TabserveServer.startReady("--models", models.toString(), "--default-model", "counted");
        http = new Http(server);
        ModelDirectory.awaitReady(http, 2);
        before = System.currentTimeMillis();
        for (int i = 0; i < 3; i++) {
            assertEquals(200, http.postJson("/models/counted/api/predict", ROW).status());
        }
        StringBuilder flat = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            flat.append(i == 0 ? "" : ",").append("3.6216, 8.6661, -2.8073, -0.44699");
        }
        assertEquals(
                200,
                http.post(
                                "/v2/models/counted/infer",
                                "application/json",
                                ("{\"inputs\": [{\"name\":"
                                                + " \"input\", \"datatype\": \"FP32\", \"shape\": [5, 4], \"data\": ["
                                                + flat + "]}]}")
                                        .getBytes(StandardCharsets.UTF_8))
                        .status());
        assertEquals(
                400,
                http.postJson("/models/counted/api/predict", "{\"variance\": \"a lot\"}")
                        .status());
        assertEquals(200, http.get("/models/counted/card").status());
        assertEquals(200, http.get("/v2/models/counted").status());
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private static JsonNode stats(String path) {
        Http.Response response = http.get(path);
        assertEquals(200, response.status(), response::toString);
        return response.json().path("model_stats");
    }

    @Test
    void aModelsStatisticsCountItsRowsCallsSuccessesAndFailuresWithItsLiveDrift() {
        JsonNode stats = stats("/v2/models/counted/stats");
        assertEquals(1, stats.size(), stats::toString);
        JsonNode counted = stats.get(0);
        assertEquals("counted", counted.path("name").asText());
        assertEquals("1", counted.path("version").asText());
        assertEquals(8, counted.path("inference_count").asLong(), "3 rows and a batch of 5");
        assertEquals(4, counted.path("execution_count").asLong());
        JsonNode success = counted.path("inference_stats").path("success");
        assertEquals(4, success.path("count").asLong());
        assertTrue(success.path("ns").asLong() > 0);
        JsonNode fail = counted.path("inference_stats").path("fail");
        assertEquals(1, fail.path("count").asLong(), "the refused request; the card page and metadata are not counted");
        assertTrue(fail.path("ns").asLong() > 0);
        long last = counted.path("last_inference").asLong();
        assertTrue(last >= before && last <= System.currentTimeMillis(), "last_inference " + last);
        assertTrue(counted.path("batch_stats").isArray());
        JsonNode variance = counted.path("live").path("variance");
        assertEquals(8, variance.path("since_start").path("values").asLong(), counted::toString);
        assertEquals(
                http.get("/models/counted/api/model")
                        .json()
                        .path("features")
                        .get(0)
                        .path("live")
                        .path("since_start"),
                variance.path("since_start"),
                "the same live object as /api/model's");
        assertEquals(stats, stats("/v2/models/counted/versions/1/stats"));
    }

    @Test
    void everyModelsStatisticsAreListedAndAnIdleOneHasZeros() {
        JsonNode all = stats("/v2/models/stats");
        List<String> names = new ArrayList<>();
        all.forEach(s -> names.add(s.path("name").asText()));
        assertEquals(List.of("counted", "idle"), names.stream().sorted().toList());
        JsonNode idle = stats("/v2/models/idle/stats").get(0);
        assertEquals(0, idle.path("inference_count").asLong());
        assertEquals(
                0, idle.path("inference_stats").path("success").path("count").asLong());
        assertEquals(0, idle.path("last_inference").asLong());
    }

    @Test
    void anUnknownModelOrVersionIsA404() {
        assertEquals(404, http.get("/v2/models/nothing/stats").status());
        assertEquals(404, http.get("/v2/models/counted/versions/7/stats").status());
    }
}
