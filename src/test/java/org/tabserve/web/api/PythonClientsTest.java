package org.tabserve.web.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.cli.FixtureCards;
import org.tabserve.launcher.TabserveServer;
import org.tabserve.testing.Http;
import org.tabserve.testing.Multipart;

/**
 * A user's own data and client, the first time (issue 23): what Python's {@code json.dumps} and {@code requests}
 * send, against the real exporter's penguin classifier ({@code species-zipmap}, text columns and missing numbers),
 * compared with scikit-learn's own answers recorded beside it. A bare {@code NaN} is a missing value where the model
 * takes one (its rows with missing measurements have no sex either, so that is shown on the same pipeline with sex's
 * imputer word, {@code species-sex-imputed} carded with {@code --text-missing-as missing}, served beside it); a body with no {@code Content-Type} is JSON on the Flask route; whole rows with columns the model does
 * not take are answered, the extras named once in {@code warnings}; and a batch with a bad row answers every other
 * row under {@code ?on_error=row}, or is refused, saying so, by default.
 */
class PythonClientsTest {

    private static final Path DIR = Path.of("src/test/resources/org/tabserve/fixtures/penguins");

    private static TabserveServer server;
    private static Http http;
    private static JsonNode expected;
    /** scikit-learn's answers for {@code species-sex-imputed}'s rows with a missing sex. */
    private static JsonNode imputed;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        expected =
                Http.JSON.readTree(DIR.resolve("species-zipmap.expected.json").toFile());
        imputed = Http.JSON.readTree(
                DIR.resolve("species-sex-imputed.expected.json").toFile());
        Path models = Files.createDirectories(dir.resolve("models"));
        Files.copy(DIR.resolve("species-zipmap.onnx"), models.resolve("species-zipmap.onnx"));
        FixtureCards.card(
                DIR.resolve("species-sex-imputed.onnx"),
                Path.of("data/penguins.csv"),
                "species",
                models.resolve("sex-imputed.onnx"),
                "--text-missing-as",
                "missing");
        server = TabserveServer.startReady("--models", models.toString(), "--default-model", "species-zipmap");
        http = new Http(server);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        server.close();
    }

    /** scikit-learn's answer for a row of the fixture's data: its label, and its probabilities within 1e-5. */
    private static void assertScikitLearns(JsonNode row, JsonNode answer, String where) {
        assertEquals(row.path("label").asText(), answer.path("label").asText(), where);
        for (Iterator<Map.Entry<String, JsonNode>> p = row.path("probabilities").fields(); p.hasNext(); ) {
            Map.Entry<String, JsonNode> e = p.next();
            assertEquals(
                    e.getValue().asDouble(),
                    answer.path("probabilities").path(e.getKey()).asDouble(),
                    1e-5,
                    where + " " + e.getKey());
        }
    }

    /** The first recorded row whose inputs hold a missing number (a null), which the model's imputer fills. */
    private static JsonNode rowWithAMissingNumber(JsonNode expected) {
        for (JsonNode row : expected.path("rows")) {
            if (row.path("inputs").toString().contains("null")) {
                return row;
            }
        }
        throw new AssertionError("the fixture has no row with a missing value");
    }

    private static List<JsonNode> rows(int count) {
        List<JsonNode> rows = new ArrayList<>();
        expected.path("rows").forEach(r -> {
            if (rows.size() < count && r.path("unknown").isEmpty()) {
                rows.add(r);
            }
        });
        return rows;
    }

    /** json.dumps writes float('nan') as a bare NaN: the missing value a DataFrame holds, read as null is. */
    @Test
    void aBareNaNIsTheMissingValueItIsInPandas() {
        JsonNode row = rowWithAMissingNumber(imputed);
        String withNull = row.path("inputs").toString();
        String withNaN = withNull.replace("null", "NaN");
        assertTrue(withNaN.contains("NaN"), withNaN);
        for (String route : List.of("/models/sex-imputed/api/predict", "/models/sex-imputed/predict")) {
            JsonNode answer = http.postJson(route, withNaN).json();
            assertScikitLearns(row, answer, route + " " + withNaN);
            assertEquals(http.postJson(route, withNull).json(), answer, "NaN answers as null does");
        }
        // MLflow's dataframe_records, as DataFrame.to_dict(orient="records") and json.dumps send it.
        JsonNode mlflow = http.postJson("/models/sex-imputed/invocations", "{\"dataframe_records\": [" + withNaN + "]}")
                .json();
        assertEquals(
                row.path("label").asText(), mlflow.path("predictions").get(0).asText());
    }

    @Test
    void aNaNWhereTheModelNeedsAValueIsA400NamingTheFieldInWords() {
        String body = rows(1).get(0)
                .path("inputs")
                .toString()
                .replace("\"MALE\"", "NaN")
                .replace("\"FEMALE\"", "NaN");
        Http.Response refused = http.postJson("/api/predict", body);
        assertEquals(List.of("sex"), refused.errorFields(400));
        String detail = refused.problem(400).toString();
        assertTrue(detail.contains("missing value for 'sex' (a text value cannot be missing)"), detail);
        for (String java : List.of("Jackson", "JsonReadFeature", "ALLOW_", "com.fasterxml", "java.")) {
            assertFalse(detail.contains(java), java + " in " + detail);
        }
    }

    /** requests.post(url, data=json.dumps(row)) sends no Content-Type: the Flask route reads it as JSON. */
    @Test
    void theFlaskRouteReadsJsonSentWithNoContentType() {
        JsonNode row = rows(1).get(0);
        byte[] body = ("  \n" + row.path("inputs")).getBytes(StandardCharsets.UTF_8);
        JsonNode answer = http.post("/predict", null, body).json();
        assertScikitLearns(row, answer, "no Content-Type");
        assertEquals(http.postJson("/predict", row.path("inputs").toString()).json(), answer);

        Http.Response notJson = http.post("/predict", null, "island=Dream".getBytes(StandardCharsets.UTF_8));
        assertTrue(
                notJson.problem(415).path("detail").asText().contains("send Content-Type: application/json"),
                notJson.text());
        // curl -d '{...}' without -H sends the JSON as a url-encoded form: a 415 saying how to send it.
        Http.Response asForm = http.postForm("/predict", row.path("inputs").toString());
        String detail = asForm.problem(415).path("detail").asText();
        assertTrue(
                detail.contains("the body is JSON, but it was sent as a url-encoded form")
                        && detail.contains("Content-Type: application/json"),
                detail);
        // /api/predict keeps asking for the media type it takes
        assertEquals(415, http.post("/api/predict", null, body).status());
    }

    /** People send whole rows: the model's columns are taken, the others named once in warnings, on every route. */
    @Test
    void columnsTheModelDoesNotTakeAreIgnoredAndNamedOnceInWarnings() {
        List<JsonNode> rows = rows(3);
        ObjectNode whole = ((ObjectNode) rows.get(0).path("inputs").deepCopy());
        whole.put("sibsp", 1).put("name", "Adélie penguin");
        JsonNode one = http.postJson("/api/predict", whole.toString()).json();
        assertScikitLearns(rows.get(0), one, "a row with two extra columns");
        assertEquals(List.of("sibsp", "name"), features(one.path("warnings")));
        assertTrue(one.path("warnings").get(0).path("message").asText().contains("not an input of the model"));

        ArrayNode instances = Http.JSON.createArrayNode();
        for (JsonNode row : rows) {
            instances.add(((ObjectNode) row.path("inputs").deepCopy()).put("sibsp", 0));
        }
        JsonNode batch = http.postJson("/api/predict", "{\"instances\": " + instances + "}")
                .json();
        for (int r = 0; r < rows.size(); r++) {
            assertScikitLearns(rows.get(r), batch.path("predictions").get(r), "batch row " + r);
            assertEquals(
                    List.of(),
                    features(batch.path("predictions").get(r).path("warnings")),
                    "the extra column is told once for the batch, not per row");
        }
        assertEquals(List.of("sibsp"), features(batch.path("warnings")));

        JsonNode mlflow = http.postJson("/invocations", "{\"dataframe_records\": " + instances + "}")
                .json();
        assertEquals(
                rows.get(0).path("label").asText(),
                mlflow.path("predictions").get(0).asText());
        assertEquals(List.of("sibsp"), features(mlflow.path("warnings")));
        JsonNode plain = http.postJson(
                        "/invocations",
                        "{\"dataframe_records\": [" + rows.get(0).path("inputs") + "]}")
                .json();
        assertFalse(plain.has("warnings"), "nothing to say: MLflow's own answer, " + plain);

        StringBuilder query = new StringBuilder("/predict?sibsp=1");
        rows.get(0)
                .path("inputs")
                .fields()
                .forEachRemaining(f -> query.append('&')
                        .append(f.getKey())
                        .append('=')
                        .append(URLEncoder.encode(f.getValue().asText(), StandardCharsets.UTF_8)));
        JsonNode byQuery = http.get(query.toString()).json();
        assertScikitLearns(rows.get(0), byQuery, query.toString());
        assertEquals(List.of("sibsp"), features(byQuery.path("warnings")));
    }

    @Test
    void aMisspeltColumnIsBothIgnoredAndNamedWhereTheMissingOneIs() {
        String body = rows(1).get(0).path("inputs").toString().replace("\"island\"", "\"Island\"");
        Http.Response refused = http.postJson("/api/predict", body);
        assertEquals(List.of("island"), refused.errorFields(400));
        assertTrue(
                refused.text()
                        .contains("missing value for feature 'island'; the fields the model does not take were"
                                + " ignored: 'Island'"),
                refused.text());
    }

    /** A batch with a bad row: refused by default, saying how to go on; with ?on_error=row every row is answered. */
    @Test
    void aBatchWithABadRowIsRefusedByDefaultAndAnsweredRowByRowWhenAsked() {
        List<JsonNode> rows = rows(4);
        ArrayNode instances = Http.JSON.createArrayNode();
        rows.forEach(r -> instances.add(r.path("inputs").deepCopy()));
        ((ObjectNode) instances.get(2)).set("sex", NullNode.getInstance()); // an empty text cell, as in titanic.csv
        String body = "{\"instances\": " + instances + "}";

        Http.Response refused = http.postJson("/api/predict", body);
        JsonNode problem = refused.problem(400);
        assertEquals(2, problem.path("errors").get(0).path("row").asInt());
        assertTrue(problem.path("detail").asText().contains("?on_error=row"), problem.toString());
        assertEquals(
                refused.status(),
                http.postJson("/api/predict?on_error=reject", body).status());

        JsonNode answered = http.postJson("/api/predict?on_error=row", body).json();
        JsonNode predictions = answered.path("predictions");
        assertEquals(rows.size(), predictions.size(), "every row answered, in its place");
        for (int r : new int[] {0, 1, 3}) {
            assertScikitLearns(rows.get(r), predictions.get(r), "row " + r);
        }
        JsonNode bad = predictions.get(2).path("errors");
        assertEquals(1, bad.size(), bad.toString());
        assertEquals("sex", bad.get(0).path("field").asText());
        assertEquals(2, bad.get(0).path("row").asInt());
        assertFalse(predictions.get(2).has("label"));

        JsonNode mlflow = http.postJson("/invocations?on_error=row", "{\"instances\": " + instances + "}")
                .json();
        assertEquals(
                rows.get(3).path("label").asText(),
                mlflow.path("predictions").get(3).asText());
        assertTrue(mlflow.path("predictions").get(2).isNull(), mlflow.toString());
        assertEquals(2, mlflow.path("errors").get(0).path("row").asInt());
        assertEquals(
                400,
                http.postJson("/invocations", "{\"instances\": " + instances + "}")
                        .status());

        for (String route : List.of("/api/predict?on_error=skip", "/invocations?on_error=")) {
            Http.Response wrong = http.postJson(route, body);
            assertEquals(List.of("on_error"), wrong.errorFields(400), route);
        }
        // Every row bad: still answered, each with its errors.
        String allBad = body.replace("\"MALE\"", "null").replace("\"FEMALE\"", "null");
        JsonNode none = http.postJson("/api/predict?on_error=row", allBad).json();
        none.path("predictions")
                .forEach(p -> assertEquals(
                        "sex", p.path("errors").get(0).path("field").asText()));
        assertEquals(rows.size(), none.path("predictions").size());
    }

    /**
     * The first rows of penguins.csv as the file has them, with its species column (the label, which the model does
     * not take) and five rows of empty sex: MLflow's CSV route and the upload answer them alike.
     */
    @Test
    void aRealCsvWithEmptyTextCellsIsAnsweredRowByRowOnMlflowsRouteAsTheUploadAnswersIt() throws Exception {
        byte[] csv = java.nio.file.Files.readAllBytes(DIR.resolve("empty-sex.csv"));
        Http.Response refused = http.post("/invocations", "text/csv", csv);
        assertTrue(refused.problem(400).path("detail").asText().contains("?on_error=row"), refused.text());

        JsonNode mlflow =
                http.post("/invocations?on_error=row", "text/csv", csv).json();
        JsonNode upload =
                http.upload("/predict_file?on_error=row", Multipart.csv(csv)).json();
        assertEquals(13, mlflow.path("predictions").size(), mlflow.toString());
        assertEquals(13, upload.path("predictions").size(), upload.toString());
        List<Integer> bad = new ArrayList<>();
        for (int r = 0; r < 13; r++) {
            JsonNode label = mlflow.path("predictions").get(r);
            JsonNode answer = upload.path("predictions").get(r);
            if (label.isNull()) {
                bad.add(r);
                assertTrue(answer.has("errors"), "row " + (r + 1) + " is bad on both routes: " + answer);
            } else {
                assertEquals(answer.path("label").asText(), label.asText(), "row " + (r + 1));
            }
        }
        assertEquals(List.of(3, 8, 9, 10, 11), bad, "the rows of penguins.csv with an empty sex, counted from 0");
        List<Integer> errorRows = new ArrayList<>();
        mlflow.path("errors").forEach(e -> errorRows.add(e.path("row").asInt()));
        assertTrue(
                errorRows.containsAll(bad) && bad.containsAll(errorRows),
                mlflow.path("errors").toString());
        assertEquals(List.of("species"), features(mlflow.path("warnings")), "the label column is ignored, and said");
        assertEquals(List.of("species"), features(upload.path("warnings")));
    }

    private static List<String> features(JsonNode warnings) {
        List<String> names = new ArrayList<>();
        warnings.forEach(w -> names.add(w.path("feature").asText()));
        return names;
    }
}
