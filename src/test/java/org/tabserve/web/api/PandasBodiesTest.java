package org.tabserve.web.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tabserve.testing.Http;

/**
 * The bodies pandas sends as they are (issue 51, item 2): {@code to_json(orient="records")}, a JSON array of rows,
 * and {@code to_json(orient="split")}, {@code {"columns", "data"}} with or without {@code "index"}, posted to
 * {@code /api/predict}, the Flask route {@code /predict} and the model's own route, are answered row by row with
 * scikit-learn's labels, as {@code /invocations} answers them under MLflow's keys. The bodies are pandas' own
 * ({@code fixtures/make_jsonl_bodies.py}) for the real exporter's {@code kg-as-text} pipeline. Every shape that was
 * taken still is; a body that mixes shapes or breaks one is a 400 naming the field and showing the shapes taken, and
 * a split frame of more rows than a request may hold is a 413, as {@code instances} is.
 */
class PandasBodiesTest {

    private static final Path PENGUINS = Path.of("src/test/resources/org/tabserve/fixtures/penguins");
    private static final Path PANDAS = Path.of("src/test/resources/org/tabserve/fixtures/pandas");
    private static final List<String> ROUTES = List.of("/api/predict", "/predict", "/models/kg-as-text/api/predict");
    private static final String ROW = "{\"island\": \"Biscoe\", \"body_mass_kg\": \"5\", \"flipper_length_mm\": 215.0}";

    @RegisterExtension
    static final Http http =
            Http.startingTheApp("--model", PENGUINS.resolve("kg-as-text.onnx").toString());

    /** scikit-learn's label for each row pandas wrote, in the bodies' order. */
    private static List<String> labels;

    @BeforeAll
    static void readLabels() throws Exception {
        Map<Integer, String> byRow = new HashMap<>();
        for (JsonNode row : Http.JSON
                .readTree(PENGUINS.resolve("kg-as-text.expected.json").toFile())
                .path("rows")) {
            byRow.put(row.path("row").asInt(), row.path("label").asText());
        }
        labels = new ArrayList<>();
        for (JsonNode row :
                Http.JSON.readTree(PANDAS.resolve("kg-as-text.rows.json").toFile())) {
            labels.add(byRow.get(row.asInt()));
        }
    }

    private static String pandas(String file) throws Exception {
        return Files.readString(PANDAS.resolve(file));
    }

    private static void assertScikitLearnsLabels(JsonNode answer, String where) {
        JsonNode predictions = answer.path("predictions");
        assertEquals(labels.size(), predictions.size(), where + ": " + answer);
        for (int r = 0; r < labels.size(); r++) {
            assertEquals(labels.get(r), predictions.get(r).path("label").asText(), where + " row " + r);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"kg-as-text.records.json", "kg-as-text.split.json", "kg-as-text.split-index.json"})
    void pandasBodiesAreAnsweredRowByRowOnEveryJsonRoute(String file) throws Exception {
        String body = pandas(file);
        for (String route : ROUTES) {
            assertScikitLearnsLabels(http.postJson(route, body).json(), route + " " + file);
        }
    }

    @Test
    void theShapesTakenBeforeAreTakenAsBefore() throws Exception {
        JsonNode one = http.postJson("/api/predict", ROW).json();
        assertTrue(one.has("label") && !one.has("predictions"), one.toString());
        assertScikitLearnsLabels(
                http.postJson("/api/predict", "{\"instances\": " + pandas("kg-as-text.records.json") + "}")
                        .json(),
                "instances");
        // A row may carry fields of its own named index or data, which are not arrays: ignored, as any other field.
        JsonNode withIndex = http.postJson("/api/predict", ROW.replace("{", "{\"index\": 3, \"data\": \"x\", "))
                .json();
        assertEquals(one.path("label"), withIndex.path("label"));
        assertTrue(withIndex.path("warnings").toString().contains("index"), withIndex.toString());
    }

    @Test
    void explainStandsBesideASplitFrame() throws Exception {
        // The model's card has no background sample, so the explanation asked for beside the frame is refused,
        // naming "explain": it was read as the request's, not as a column or a second shape.
        String split = pandas("kg-as-text.split.json");
        Http.Response answer =
                http.postJson("/api/predict", split.replace("{\"columns\"", "{\"explain\": true, \"columns\""));
        assertEquals(List.of("explain"), answer.errorFields(400));
        assertTrue(answer.problem(400).path("detail").asText().contains("cannot explain"), answer.text());
    }

    @Test
    void aSplitFrameWithExtraColumnsIgnoresThemAndSaysSo() {
        JsonNode answer = http.postJson(
                        "/api/predict",
                        "{\"columns\": [\"id\", \"island\", \"body_mass_kg\", \"flipper_length_mm\"],"
                                + " \"data\": [[7, \"Biscoe\", \"5\", 215.0]]}")
                .json();
        assertEquals(1, answer.path("predictions").size());
        assertEquals(
                http.postJson("/api/predict", ROW).json().path("label"),
                answer.path("predictions").get(0).path("label"));
        assertTrue(answer.path("warnings").toString().contains("'id'"), answer.toString());
    }

    // --- refusals: a 4xx naming the field, never a 500 ------------------------------------------------------------

    @Test
    void aSplitRowOfAnotherLengthThanItsColumnsIsRefusedNamingDataAndTheRow() {
        Http.Response refused = http.postJson(
                "/api/predict",
                "{\"columns\": [\"island\", \"body_mass_kg\", \"flipper_length_mm\"],"
                        + " \"data\": [[\"Biscoe\", \"5\", 215.0], [\"Biscoe\", \"5\"]]}");
        assertEquals(List.of("data"), refused.errorFields(400));
        JsonNode error = refused.problem(400).path("errors").get(0);
        assertEquals(1, error.path("row").asInt(), error.toString());
        assertTrue(
                error.path("message").asText().contains("row 1 of \"data\" has 2 values; \"columns\" names 3"),
                error.toString());
    }

    @Test
    void aColumnNamedTwiceOrMissingOrAnIndexOfAnotherLengthIsRefusedNamingTheField() {
        Http.Response twice = http.postJson(
                "/api/predict",
                "{\"columns\": [\"island\", \"island\", \"flipper_length_mm\"], \"data\": [[\"Biscoe\", \"Biscoe\", 1]]}");
        assertEquals(List.of("columns"), twice.errorFields(400));
        assertTrue(twice.problem(400).path("detail").asText().contains("column 'island' appears twice"));

        Http.Response missing = http.postJson(
                "/api/predict", "{\"columns\": [\"island\", \"flipper_length_mm\"], \"data\": [[\"Biscoe\", 215.0]]}");
        assertEquals(List.of("body_mass_kg"), missing.errorFields(400));

        Http.Response index = http.postJson(
                "/api/predict",
                "{\"columns\": [\"island\", \"body_mass_kg\", \"flipper_length_mm\"], \"index\": [0, 1],"
                        + " \"data\": [[\"Biscoe\", \"5\", 215.0]]}");
        assertEquals(List.of("index"), index.errorFields(400));

        Http.Response noData =
                http.postJson("/api/predict", "{\"columns\": [\"island\", \"body_mass_kg\", \"flipper_length_mm\"]}");
        assertEquals(List.of("data"), noData.errorFields(400));
    }

    @Test
    void aBodyThatMixesShapesIsRefusedShowingTheShapesTaken() {
        for (String body : List.of(
                "{\"island\": \"Biscoe\", \"columns\": [\"island\"], \"data\": [[\"Biscoe\"]]}",
                "{\"columns\": [\"island\", \"body_mass_kg\", \"flipper_length_mm\"], \"data\": [[\"Biscoe\", \"5\", 1]],"
                        + " \"island\": \"Biscoe\"}",
                "{\"instances\": [" + ROW + "], \"data\": [[\"Biscoe\"]]}",
                "{\"columns\": [\"island\"], \"instances\": [" + ROW + "]}")) {
            Http.Response refused = http.postJson("/api/predict", body);
            assertEquals(1, refused.errorFields(400).size(), body);
            String detail = refused.problem(400).path("detail").asText();
            assertTrue(detail.contains("mixes two shapes"), detail);
            assertTrue(detail.contains("orient=\\\"records\\\"") || detail.contains("orient=\"records\""), detail);
            assertTrue(detail.contains("orient=\"split\""), detail);
        }
    }

    @Test
    void aTopLevelArrayOfValuesOrOfNothingIsRefusedSayingHowToSendARow() {
        Http.Response values = http.postJson("/api/predict", "[\"Biscoe\", \"5\", 215.0]");
        assertEquals(List.of("rows", "rows", "rows"), values.errorFields(400));
        assertTrue(
                values.problem(400)
                        .path("errors")
                        .get(0)
                        .path("message")
                        .asText()
                        .contains("[[...]]"),
                values.text());
        Http.Response empty = http.postJson("/api/predict", "[]");
        assertTrue(empty.problem(400).path("detail").asText().contains("empty array"), empty.text());
        Http.Response number = http.postJson("/api/predict", "3");
        String detail = number.problem(400).path("detail").asText();
        assertTrue(
                detail.contains("must be a JSON object, got a number") && detail.contains("orient=\"split\""), detail);
    }

    @Test
    void aSplitFrameOrArrayOfMoreRowsThanARequestTakesIsA413NamingTheSetting() {
        String row = "[\"Biscoe\", \"5\", 215.0]";
        String data = String.join(",", java.util.Collections.nCopies(10_001, row));
        Http.Response split = http.postJson(
                "/api/predict",
                "{\"columns\": [\"island\", \"body_mass_kg\", \"flipper_length_mm\"], \"data\": [" + data + "]}");
        String detail = split.problem(413).path("detail").asText();
        assertTrue(detail.contains("more than 10000 rows") && detail.contains("tabserve.max-batch-rows"), detail);
        Http.Response array = http.postJson("/api/predict", "[" + data + "]");
        assertTrue(array.problem(413).path("detail").asText().contains("tabserve.max-batch-rows"), array.text());
    }

    @Test
    void dataSentBeforeItsColumnsIsReadOnceTheyAreKnown() {
        JsonNode answer = http.postJson(
                        "/api/predict",
                        "{\"data\": [[\"Biscoe\", \"5\", 215.0]], \"index\": [4],"
                                + " \"columns\": [\"island\", \"body_mass_kg\", \"flipper_length_mm\"]}")
                .json();
        assertEquals(
                http.postJson("/api/predict", ROW).json().path("label"),
                answer.path("predictions").get(0).path("label"));
    }
}
