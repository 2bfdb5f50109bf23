package org.tabserve.serving.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.StringJoiner;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.cardmaking.CardFileTest;
import org.tabserve.cli.FixtureCards;
import org.tabserve.launcher.TabserveServer;
import org.tabserve.testing.Http;
import org.tabserve.testing.ModelDirectory;

/**
 * Live drift of the inputs as the model sees them (issue 37, item 5), on the penguins fixtures carded by the real
 * {@code card} command: an input sent all missing drifts (missing values are a bin of the score, not left out of it),
 * an integer input the model's encoder knows as categories is compared as those categories, a value it does not know
 * counted as an unknown category, and each input says how many values its score needs.
 */
class DriftOfWhatTheModelSeesTest {

    @TempDir
    static Path dir;

    static TabserveServer server;
    static Http http;

    @BeforeAll
    static void start() throws Exception {
        Path models = Files.createDirectory(dir.resolve("models"));
        Path cards = Files.createDirectory(dir.resolve("cards"));
        Files.copy(FixtureCards.card(cards, "species-zipmap", "species"), models.resolve("species.onnx"));
        Files.copy(FixtureCards.card(cards, "int64-column", "sex"), models.resolve("sex.onnx"));
        server = TabserveServer.startReady("--models", models.toString(), "--default-model", "species");
        http = new Http(server);
        ModelDirectory.awaitReady(http, 2);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    /** The fixture's rows as JSON instances, {@code times} over, each cell as {@code cell} rewrites it. */
    private static String instances(String fixture, int times, String column, UnaryOperator<String> cell)
            throws Exception {
        List<String> lines = Files.readAllLines(CardFileTest.FIXTURES.resolve(fixture + ".inputs.csv"));
        String[] header = lines.get(0).split(",");
        StringJoiner instances = new StringJoiner(",", "{\"instances\":[", "]}");
        for (int t = 0; t < times; t++) {
            for (String line : lines.subList(1, lines.size())) {
                String[] cells = line.split(",", -1);
                for (int c = 0; c < header.length; c++) {
                    cells[c] = header[c].equals(column) ? cell.apply(cells[c]) : cells[c];
                }
                instances.add(FixtureCards.jsonObject(header, cells, header.length));
            }
        }
        return instances.toString();
    }

    private static JsonNode live(String model, String feature) {
        for (JsonNode f : http.get("/models/" + model + "/api/model").json().path("features")) {
            if (f.path("name").asText().equals(feature)) {
                return f.path("live");
            }
        }
        throw new AssertionError("no feature " + feature + " in " + model);
    }

    private static void predict(String model, String body) {
        Http.Response response = http.post(
                "/models/" + model + "/api/predict", "application/json", body.getBytes(StandardCharsets.UTF_8));
        assertEquals(200, response.status(), () -> response.text().substring(0, 300));
    }

    @Test
    void anInputSentAllMissingDriftsLargelyAndIsTheModelsWorstDrift() throws Exception {
        predict("species", instances("species-zipmap", 9, "bill_depth_mm", value -> null)); // 2,997 rows
        JsonNode depth = live("species", "bill_depth_mm").path("recent");
        assertEquals(depth.path("values").asLong(), depth.path("missing").asLong(), depth::toString);
        assertTrue(depth.path("values").asLong() >= 2997, depth::toString);
        assertEquals("large", depth.path("drift").asText(), "missing values count in the score: " + depth);
        assertEquals(
                "small",
                live("species", "bill_length_mm").path("recent").path("drift").asText());
        JsonNode worst =
                ModelDirectory.entry(ModelDirectory.index(http), "species", "1").path("worst_drift");
        assertEquals("bill_depth_mm", worst.path("feature").asText(), worst::toString);
    }

    @Test
    void anIntegerInputTheModelKnowsAsCategoriesIsComparedAsThem() throws Exception {
        JsonNode before = live("sex", "body_mass_kg");
        assertEquals("categories", before.path("compared_on").asText(), before::toString);
        assertEquals(List.of("2", "3", "4", "5", "6"), Http.JSON.convertValue(before.path("bins"), List.class));
        assertEquals(32 * 4, before.path("values_needed").asLong(), "32 values per category filled beyond the first");
        JsonNode length = live("sex", "bill_length_mm");
        long filled = 0;
        for (JsonNode count : length.path("training")) {
            filled += count.asDouble() > 0 ? 1 : 0;
        }
        assertEquals(16, length.path("training").size(), length::toString);
        assertEquals(
                Math.max(50, 32 * (filled - 1)),
                length.path("values_needed").asLong(),
                "32 values per bin the training data fills beyond the first: " + length);

        predict("sex", instances("int64-column", 1, "body_mass_kg", value -> value)); // the training rows
        JsonNode like = live("sex", "body_mass_kg").path("recent");
        assertEquals(0, like.path("unknown_categories").asLong(), like::toString);
        assertEquals("small", like.path("drift").asText(), like::toString);

        predict("sex", instances("int64-column", 1, "body_mass_kg", value -> "9"));
        JsonNode unseen = live("sex", "body_mass_kg").path("recent");
        assertEquals(342, unseen.path("unknown_categories").asLong(), unseen::toString);
        assertTrue(unseen.path("out_of_range").isMissingNode(), "categories have no range: " + unseen);
        assertEquals("large", unseen.path("drift").asText(), unseen::toString);
    }
}
