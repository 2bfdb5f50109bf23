package org.tabserve.web.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.cli.FixtureCards;
import org.tabserve.launcher.TabserveServer;
import org.tabserve.testing.Http;

/**
 * pandas sends a missing text cell (issue 39, item 1), as titanic's {@code embarked}: {@code species-sex-imputed}'s
 * {@code sex} encoder knows "missing", the value scikit-learn's imputer gave an empty sex in training. The bodies are
 * pandas' own ({@code fixtures/make_jsonl_bodies.py}: {@code orient="records"} and {@code orient="split"} of the 11
 * rows whose sex is empty, which pandas writes as null): with the card's {@code --text-missing-as missing} they are
 * answered as scikit-learn answered them, each row saying that its missing sex was taken as "missing" (MLflow's
 * answer, which has no place per row, says so once with the rows); without the card's word they are
 * refused naming {@code sex} and telling a program what to send, in the API's words, not the form's.
 */
class PandasMissingTextTest {

    private static final Path PENGUINS = Path.of("src/test/resources/org/tabserve/fixtures/penguins");
    private static final Path PANDAS = Path.of("src/test/resources/org/tabserve/fixtures/pandas");

    private static final String TAKEN_AS_MISSING =
            "sex: 'sex' is missing and was taken as \"missing\", as the model" + " card says";

    @TempDir
    static Path dir;

    private static TabserveServer server;
    private static Http http;
    /** scikit-learn's answer for each row pandas wrote, in the bodies' order. */
    private static List<JsonNode> expected;

    private static String records;
    private static String split;

    @BeforeAll
    static void start() throws IOException {
        Map<Integer, JsonNode> byRow = new HashMap<>();
        for (JsonNode row : Http.JSON
                .readTree(PENGUINS.resolve("species-sex-imputed.expected.json").toFile())
                .path("rows")) {
            byRow.put(row.path("row").asInt(), row);
        }
        expected = new ArrayList<>();
        for (JsonNode row :
                Http.JSON.readTree(PANDAS.resolve("sex-missing.rows.json").toFile())) {
            expected.add(byRow.get(row.asInt()));
        }
        assertEquals(11, expected.size());
        records = Files.readString(PANDAS.resolve("sex-missing.records.json"));
        split = Files.readString(PANDAS.resolve("sex-missing.split.json"));
        assertTrue(records.contains("\"sex\":null"), "pandas wrote the missing text cells as null");

        Path models = Files.createDirectories(dir.resolve("models"));
        Files.copy(PENGUINS.resolve("species-sex-imputed.onnx"), models.resolve("uncarded.onnx"));
        FixtureCards.card(
                PENGUINS.resolve("species-sex-imputed.onnx"),
                Path.of("data/penguins.csv"),
                "species",
                models.resolve("carded.onnx"),
                "--text-missing-as",
                "missing");
        server = TabserveServer.startReady("--models", models.toString(), "--default-model", "carded");
        http = new Http(server);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        server.close();
    }

    private static void assertScikitLearns(JsonNode predictions, String layout) {
        assertEquals(expected.size(), predictions.size(), layout);
        for (int r = 0; r < expected.size(); r++) {
            JsonNode want = expected.get(r);
            JsonNode got = predictions.get(r);
            String where = layout + " data row " + want.path("row").asInt();
            assertEquals(
                    want.path("label").asText(),
                    got.isTextual() ? got.asText() : got.path("label").asText(),
                    where);
            if (got.has("probabilities")) {
                for (String species : List.of("Adelie", "Chinstrap", "Gentoo")) {
                    assertEquals(
                            want.path("probabilities").path(species).asDouble(),
                            got.path("probabilities").path(species).asDouble(),
                            1e-5,
                            where + " " + species);
                }
            }
        }
    }

    /** The batch's rows each say that their missing sex was taken as "missing". */
    private static void assertEachRowToldItWasTakenAsMissing(JsonNode predictions) {
        for (JsonNode prediction : predictions) {
            List<String> said = new ArrayList<>();
            prediction
                    .path("warnings")
                    .forEach(w -> said.add(w.path("feature").asText() + ": "
                            + w.path("message").asText()));
            assertTrue(said.stream().anyMatch(s -> s.startsWith(TAKEN_AS_MISSING)), said.toString());
        }
    }

    /** MLflow's answer, with no place per row, says it once, with every row it was done to. */
    private static void assertToldOnceWithItsRows(JsonNode answer) {
        List<JsonNode> said = new ArrayList<>();
        answer.path("warnings").forEach(w -> {
            if ((w.path("feature").asText() + ": " + w.path("message").asText()).startsWith(TAKEN_AS_MISSING)) {
                said.add(w);
            }
        });
        assertEquals(1, said.size(), answer.path("warnings").toString());
        List<Integer> rows = new ArrayList<>();
        said.get(0).path("rows").forEach(r -> rows.add(r.asInt()));
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10), rows);
    }

    @Test
    void pandasRecordsWithAMissingSexAreAnsweredAsScikitLearnAnsweredThem() {
        JsonNode batch = http.postJson("/models/carded/api/predict", "{\"instances\": " + records + "}")
                .json();
        assertScikitLearns(batch.path("predictions"), "records");
        assertEachRowToldItWasTakenAsMissing(batch.path("predictions"));

        JsonNode mlflow = http.postJson("/models/carded/invocations", "{\"dataframe_records\": " + records + "}")
                .json();
        assertScikitLearns(mlflow.path("predictions"), "dataframe_records");
        assertToldOnceWithItsRows(mlflow);
    }

    @Test
    void pandasSplitWithAMissingSexIsAnsweredAsScikitLearnAnsweredIt() {
        JsonNode mlflow = http.postJson("/models/carded/invocations", "{\"dataframe_split\": " + split + "}")
                .json();
        assertScikitLearns(mlflow.path("predictions"), "dataframe_split");
        assertToldOnceWithItsRows(mlflow);
    }

    @Test
    void aCsvBodysEmptySexCellsAreSaidOnceWithTheirRowsBesideTheColumnIgnored() throws IOException {
        List<String> lines = Files.readAllLines(PENGUINS.resolve("empty-sex.csv"));
        List<Integer> empty = new ArrayList<>();
        for (int r = 1; r < lines.size(); r++) {
            if (lines.get(r).endsWith(",")) {
                empty.add(r - 1);
            }
        }
        assertEquals(List.of(3, 8, 9, 10, 11), empty);
        JsonNode answer = http.post(
                        "/models/carded/invocations",
                        "text/csv",
                        (String.join("\n", lines) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .json();
        assertEquals(lines.size() - 1, answer.path("predictions").size(), answer.toString());
        JsonNode warnings = answer.path("warnings");
        assertEquals("species", warnings.get(0).path("feature").asText(), "the column ignored, first");
        assertFalse(warnings.get(0).has("rows"), warnings.toString());
        List<Integer> rows = new ArrayList<>();
        for (JsonNode w : warnings) {
            if ((w.path("feature").asText() + ": " + w.path("message").asText()).startsWith(TAKEN_AS_MISSING)) {
                w.path("rows").forEach(r -> rows.add(r.asInt()));
            }
        }
        assertEquals(empty, rows, warnings.toString());
    }

    @Test
    void withoutTheCardsWordAMissingSexIsRefusedTellingAProgramWhatToSend() {
        for (String[] route : List.of(
                new String[] {"/models/uncarded/api/predict", "{\"instances\": " + records + "}"},
                new String[] {"/models/uncarded/invocations", "{\"dataframe_split\": " + split + "}"})) {
            Http.Response refused = http.postJson(route[0], route[1]);
            assertTrue(refused.errorFields(400).contains("sex"), route[0] + ": " + refused.body());
            String detail = refused.problem(400).toString();
            assertTrue(
                    detail.contains("send \\\"missing\\\" where 'sex' is missing")
                            || detail.contains("send \"missing\" where 'sex' is missing"),
                    detail);
            assertFalse(detail.contains("tick"), "the API's user has no tick box: " + detail);
        }
    }
}
