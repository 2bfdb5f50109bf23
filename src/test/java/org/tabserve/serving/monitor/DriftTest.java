package org.tabserve.serving.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.cardmaking.CardFileTest;
import org.tabserve.cli.FixtureCards;
import org.tabserve.launcher.TabserveServer;
import org.tabserve.testing.Http;
import org.tabserve.testing.ModelDirectory;
import org.tabserve.testing.Multipart;

/**
 * Live drift from what models actually scored, on models carded by the real {@code card} command: the same
 * training rows sent through {@code /api/predict} (JSON), {@code /predict_file} (CSV upload), {@code /invocations}
 * (MLflow) and {@code /v2/.../infer} reach the same counts and a small PSI; rows shifted past the training range or
 * of a category the card never saw give a large PSI and the right out-of-range and unknown rates; {@code /metrics}
 * carries the drift gauges and counters with their labels, {@code GET /api/model} each feature's {@code live}, the
 * card page a Live section (a model without a card says it has no profile) and {@code /models} each model's worst drift.
 */
class DriftTest {

    private static final String HEADER = "variance,skewness,curtosis,entropy";
    private static final List<String> FEATURES = List.of("variance", "skewness", "curtosis", "entropy");

    @TempDir
    static Path dir;

    static TabserveServer server;
    static Http http;
    /** Every row of the bank-note training data, without its class (fewer would read as drift: PSI on n values of B bins has a noise floor near (B - 1) / n). */
    static List<double[]> training;

    @BeforeAll
    static void start() throws Exception {
        Path models = Files.createDirectory(dir.resolve("models"));
        Path cards = Files.createDirectory(dir.resolve("cards"));
        Path banknote = FixtureCards.banknote(cards);
        for (String name : List.of("json", "csv", "mlflow", "v2", "shifted", "indexed")) {
            Files.copy(banknote, models.resolve(name + ".onnx"));
        }
        Files.copy(FixtureCards.card(cards, "species-zipmap", "species"), models.resolve("species.onnx"));
        Files.copy(CardFileTest.FIXTURES.resolve("species-zipmap.onnx"), models.resolve("uncarded.onnx"));
        server = TabserveServer.startReady("--models", models.toString(), "--default-model", "json");
        http = new Http(server);
        ModelDirectory.awaitReady(http, 8);
        training = new ArrayList<>();
        List<String> lines = Files.readAllLines(Path.of("data/BankNote_Authentication.csv"));
        for (int i = 1; i < lines.size(); i++) {
            String[] cells = lines.get(i).split(",");
            training.add(new double[] {
                Double.parseDouble(cells[0]),
                Double.parseDouble(cells[1]),
                Double.parseDouble(cells[2]),
                Double.parseDouble(cells[3])
            });
        }
        sendEverywhere();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    /** The same rows through each route, each to its own copy of the bank-note model. */
    private static void sendEverywhere() {
        StringJoiner instances = new StringJoiner(",", "{\"instances\": [", "]}");
        StringBuilder csv = new StringBuilder(HEADER).append('\n');
        StringJoiner flat = new StringJoiner(",");
        for (double[] row : training) {
            StringJoiner object = new StringJoiner(",", "{", "}");
            StringJoiner line = new StringJoiner(",");
            for (int f = 0; f < row.length; f++) {
                object.add("\"" + FEATURES.get(f) + "\":" + row[f]);
                line.add(Double.toString(row[f]));
                flat.add(Double.toString(row[f]));
            }
            instances.add(object.toString());
            csv.append(line).append('\n');
        }
        http.postJson("/models/json/api/predict", instances.toString()).json();
        assertEquals(
                200,
                http.upload("/models/csv/predict_file", Multipart.csv(csv.toString()))
                        .status());
        assertEquals(
                200,
                http.post(
                                "/models/mlflow/invocations",
                                "text/csv",
                                csv.toString().getBytes(StandardCharsets.UTF_8))
                        .status());
        String v2 = "{\"inputs\": [{\"name\": \"input\", \"datatype\": \"FP32\", \"shape\": [" + training.size()
                + ", 4], \"data\": [" + flat + "]}]}";
        assertEquals(
                200,
                http.post("/v2/models/v2/infer", "application/json", v2.getBytes(StandardCharsets.UTF_8))
                        .status());
    }

    private static JsonNode live(String model, String feature) {
        for (JsonNode f : http.get("/models/" + model + "/api/model").json().path("features")) {
            if (f.path("name").asText().equals(feature)) {
                return f.path("live");
            }
        }
        throw new AssertionError("no feature " + feature + " in " + model);
    }

    @Test
    void trainingRowsReachTheSameCountsOnEveryRouteWithASmallPsi() {
        for (String feature : FEATURES) {
            JsonNode json = live("json", feature);
            assertEquals("histogram", json.path("compared_on").asText());
            assertEquals(
                    training.size(), json.path("since_start").path("values").asInt(), json::toString);
            assertEquals(0, json.path("recent").path("out_of_range").asInt(), json::toString);
            double psi = json.path("recent").path("psi").asDouble();
            assertTrue(psi < 0.1, feature + " drifted on its own training data: " + psi);
            assertEquals("small", json.path("recent").path("drift").asText());
            for (String route : List.of("csv", "mlflow", "v2")) {
                JsonNode other = live(route, feature);
                assertEquals(
                        json.path("since_start").path("counts"),
                        other.path("since_start").path("counts"),
                        route + " counted " + feature + " differently");
                assertEquals(json.path("recent"), other.path("recent"), route);
            }
        }
    }

    @Test
    void rowsPastTheTrainingRangeAreOutOfRangeWithALargePsi() {
        StringJoiner instances = new StringJoiner(",", "{\"instances\": [", "]}");
        for (int i = 0; i < 480; i++) { // Psi.minValues of a 16-bin histogram
            instances.add("{\"variance\": " + (40 + i) + ", \"skewness\": 1, \"curtosis\": 1, \"entropy\": -1}");
        }
        http.postJson("/models/shifted/api/predict", instances.toString()).json();
        JsonNode variance = live("shifted", "variance").path("recent");
        assertEquals(480, variance.path("values").asInt());
        assertEquals(480, variance.path("out_of_range").asInt());
        assertEquals(1.0, variance.path("out_of_range_rate").asDouble());
        assertTrue(variance.path("psi").asDouble() > 0.25, variance::toString);
        assertEquals("large", variance.path("drift").asText());
    }

    @Test
    void aCategoryTheCardNeverSawIsUnknownAndBelowItsMinimumThereIsNoScore() {
        String row = "{\"island\": \"Atlantis\", \"bill_length_mm\": 39.1, \"bill_depth_mm\": 18.7,"
                + " \"flipper_length_mm\": 181, \"body_mass_g\": 3750, \"sex\": \"MALE\"}";
        http.postJson("/models/species/api/predict", row).json();
        JsonNode island = live("species", "island").path("recent");
        assertTrue(island.path("psi").isNull(), island::toString);
        assertEquals("not enough data", island.path("drift").asText());
        // island's three training categories: Psi.minValues(3) = 64 values; 63 are not enough, 64 are
        http.postJson(
                        "/models/species/api/predict",
                        "{\"instances\": [" + String.join(",", java.util.Collections.nCopies(62, row)) + "]}")
                .json();
        assertEquals(
                "not enough data",
                live("species", "island").path("recent").path("drift").asText());
        http.postJson("/models/species/api/predict", row).json();
        JsonNode live = live("species", "island");
        assertEquals("categories", live.path("compared_on").asText());
        assertEquals(64, live.path("recent").path("unknown_categories").asInt(), live::toString);
        assertEquals(1.0, live.path("recent").path("unknown_category_rate").asDouble());
        assertTrue(live.path("recent").path("psi").asDouble() > 0.25, live::toString);
    }

    @Test
    void aModelWithoutACardCountsMissingValuesButHasNoProfileToCompareWith() {
        JsonNode live = live("uncarded", "bill_length_mm");
        assertEquals("none", live.path("compared_on").asText(), live::toString);
        assertEquals("no training profile", live.path("recent").path("drift").asText());
    }

    @Test
    void theCardPageHasALiveSectionWithEachInputsPictureScoreAndRates() {
        Document page = http.get("/models/csv/card").html();
        Element section = page.getElementById("live-section");
        assertTrue(section != null, "no Live section");
        for (String feature : FEATURES) {
            Element figure = section.selectFirst("figure.live[data-feature=" + feature + "]");
            assertTrue(figure != null, feature);
            assertTrue(
                    figure.selectFirst("svg rect.live-bar") != null, "the live bars are drawn over the training ones");
            assertTrue(figure.selectFirst("svg rect.bar.training") != null);
            assertTrue(Double.parseDouble(figure.selectFirst(".psi").text()) < 0.1, figure::text);
            assertEquals("small", figure.selectFirst(".drift").text());
            assertEquals(
                    "0.0% out of the training range",
                    figure.selectFirst(".outside").text());
            assertEquals(
                    Integer.toString(training.size()),
                    figure.selectFirst(".values").text());
        }
        assertTrue(page.select("script:not([src]), [style]").isEmpty(), "no inline script or style");
        Element none = http.get("/models/uncarded/card").html().getElementById("no-profile");
        assertTrue(none != null && none.text().contains("no training profile"));
    }

    @Test
    void theModelsIndexShowsEachModelsWorstDrift() {
        http.postJson(
                        "/models/indexed/api/predict",
                        "{\"instances\": ["
                                + String.join(
                                        ",",
                                        java.util.Collections.nCopies(
                                                480,
                                                "{\"variance\": 50, \"skewness\": 1, \"curtosis\": 1, \"entropy\": -1}"))
                                + "]}")
                .json();
        Document page = http.get("/models").html();
        Element shifted = page.selectFirst("tbody[data-model=indexed] td.drift");
        assertEquals("variance", shifted.selectFirst(".drift-feature").text(), shifted::toString);
        assertTrue(Double.parseDouble(shifted.selectFirst(".drift-psi").text()) > 0.25);
        assertTrue(shifted.selectFirst(".drift-psi").hasClass("drift-large"));
        assertEquals(
                "–", page.selectFirst("tbody[data-model=uncarded] td.drift").text());
        JsonNode entry = null;
        for (JsonNode model : http.get("/api/models").json().path("models")) {
            if (model.path("name").asText().equals("indexed")) {
                entry = model;
            }
        }
        assertEquals("variance", entry.path("worst_drift").path("feature").asText(), entry::toString);
        assertEquals("large", entry.path("worst_drift").path("drift").asText());
    }

    /** Issue 39, item 6: the index's last hour, one entry a minute, holds the requests and the drift it just read. */
    @Test
    void theModelsIndexGivesTheLastHourByMinuteWithTheWorstDriftItRead() {
        JsonNode json = ModelDirectory.entry(ModelDirectory.index(http), "json", "1");
        JsonNode minutes = json.path("last_hour").path("minutes");
        assertEquals(60, minutes.size(), json::toString);
        long requests = 0;
        Double lastPsi = null;
        for (JsonNode minute : minutes) {
            requests += minute.path("requests").asLong();
            assertEquals( // the model's warm-up is counted and not timed (issue 66)
                    minute.path("timed").asLong() == 0, minute.path("p99_ms").isNull(), minute::toString);
            if (!minute.path("worst_drift_psi").isNull()) {
                lastPsi = minute.path("worst_drift_psi").asDouble();
            }
        }
        assertTrue(requests >= json.path("recent").path("requests").asLong() && requests > 0, json::toString);
        assertNotNull(lastPsi, "reading the index sampled the worst drift: " + json);
        assertEquals(json.path("worst_drift").path("psi").asDouble(), lastPsi, 1e-4);
        JsonNode uncarded = ModelDirectory.entry(ModelDirectory.index(http), "uncarded", "1");
        for (JsonNode minute : uncarded.path("last_hour").path("minutes")) {
            assertTrue(minute.path("worst_drift_psi").isNull(), "no card, no drift: " + minute);
        }
    }

    @Test
    void metricsCarryTheDriftGaugesAndCountersWithTheirLabels() {
        http.postJson("/models/json/api/predict", "{\"variance\": 1, \"skewness\": 1, \"curtosis\": 1, \"entropy\": 1}")
                .json();
        String metrics = http.get("/metrics").text();
        Matcher psi = Pattern.compile(
                        "tabserve_feature_drift_psi\\{feature=\"variance\",model=\"csv\",version=\"\\d+\"} "
                                + "([0-9.eE-]+)")
                .matcher(metrics);
        assertTrue(psi.find(), metrics);
        assertTrue(Double.parseDouble(psi.group(1)) < 0.1);
        assertTrue(
                Pattern.compile("tabserve_feature_values_total\\{feature=\"entropy\",model=\"v2\",version=\"\\d+\"} "
                                + training.size() + "\\.0")
                        .matcher(metrics)
                        .find(),
                metrics);
        for (String name : List.of(
                "tabserve_feature_missing_total",
                "tabserve_feature_out_of_range_total",
                "tabserve_feature_unknown_category_total")) {
            assertTrue(metrics.contains(name + "{feature=\"variance\",model=\"mlflow\""), name);
        }
        assertTrue(
                Pattern.compile("tabserve_feature_out_of_range_total\\{feature=\"variance\",model=\"mlflow\","
                                + "version=\"\\d+\"} 0\\.0")
                        .matcher(metrics)
                        .find(),
                metrics);
        assertTrue(metrics.contains("# TYPE tabserve_feature_drift_psi gauge"));
    }
}
