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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tabserve.launcher.TabserveServer;
import org.tabserve.testing.Http;

/**
 * pandas sends numbers for a text input (issue 39, item 2): a column of whole numbers is int64 to pandas, and
 * {@code to_json} writes it as JSON numbers, where the model (as titanic's {@code pclass}) takes text. The bodies are
 * pandas' own ({@code fixtures/make_jsonl_bodies.py}: {@code orient="records"} and {@code orient="split"}) for the real
 * exporter's {@code kg-as-text} pipeline, whose {@code body_mass_kg} is a text category "2" to "6"; the answers are
 * compared with scikit-learn's, recorded beside the model. A number whose text is exact is taken as that text and said
 * once in {@code warnings}; one that has no one text form is refused naming the field.
 */
class PandasNumbersAsTextTest {

    private static final Path PENGUINS = Path.of("src/test/resources/org/tabserve/fixtures/penguins");
    private static final Path PANDAS = Path.of("src/test/resources/org/tabserve/fixtures/pandas");

    private static TabserveServer server;
    private static Http http;
    /** scikit-learn's label for each row pandas wrote, in the bodies' order. */
    private static List<String> labels;

    private static String records;
    private static String split;

    @BeforeAll
    static void start() throws Exception {
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
        records = Files.readString(PANDAS.resolve("kg-as-text.records.json"));
        split = Files.readString(PANDAS.resolve("kg-as-text.split.json"));
        assertTrue(records.contains("\"body_mass_kg\":3"), "pandas wrote the text input's values as numbers");
        server = TabserveServer.startReady(
                "--model", PENGUINS.resolve("kg-as-text.onnx").toString());
        http = new Http(server);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        server.close();
    }

    private static List<String> features(JsonNode warnings) {
        List<String> names = new ArrayList<>();
        warnings.forEach(w -> names.add(w.path("feature").asText()));
        return names;
    }

    private static void assertToldOnce(JsonNode answer) {
        assertEquals(
                List.of("body_mass_kg"),
                features(answer.path("warnings")),
                answer.path("warnings").toString());
        String message = answer.path("warnings").get(0).path("message").asText();
        assertTrue(
                message.contains("'body_mass_kg' is a text input; the numbers sent for it were taken as their text"),
                message);
    }

    @Test
    void pandasRecordsAreAnsweredAsScikitLearnAnswersTheirTextOnEveryJsonRoute() {
        JsonNode batch = http.postJson("/api/predict", "{\"instances\": " + records + "}")
                .json();
        assertEquals(labels.size(), batch.path("predictions").size());
        for (int r = 0; r < labels.size(); r++) {
            assertEquals(
                    labels.get(r),
                    batch.path("predictions").get(r).path("label").asText(),
                    "row " + r);
            assertEquals(0, batch.path("predictions").get(r).path("warnings").size(), "told once, not per row");
        }
        assertToldOnce(batch);

        JsonNode mlflow = http.postJson("/invocations", "{\"dataframe_records\": " + records + "}")
                .json();
        for (int r = 0; r < labels.size(); r++) {
            assertEquals(labels.get(r), mlflow.path("predictions").get(r).asText(), "dataframe_records row " + r);
        }
        assertToldOnce(mlflow);
    }

    @Test
    void pandasSplitIsAnsweredAsScikitLearnAnswersTheirText() {
        JsonNode mlflow = http.postJson("/invocations", "{\"dataframe_split\": " + split + "}")
                .json();
        assertEquals(labels.size(), mlflow.path("predictions").size());
        for (int r = 0; r < labels.size(); r++) {
            assertEquals(labels.get(r), mlflow.path("predictions").get(r).asText(), "dataframe_split row " + r);
        }
        assertToldOnce(mlflow);
    }

    @Test
    void oneRowWithANumberAnswersAsItsTextDoesAndSaysSo() {
        JsonNode asNumber = http.postJson(
                        "/api/predict", "{\"island\": \"Biscoe\", \"body_mass_kg\": 5, \"flipper_length_mm\": 215.0}")
                .json();
        JsonNode asText = http.postJson(
                        "/api/predict",
                        "{\"island\": \"Biscoe\", \"body_mass_kg\": \"5\", \"flipper_length_mm\": 215.0}")
                .json();
        assertEquals(asText.path("label"), asNumber.path("label"));
        assertEquals(asText.path("probabilities"), asNumber.path("probabilities"));
        assertEquals(0, asText.path("warnings").size(), asText.toString());
        assertToldOnce(asNumber);
    }

    @Test
    void aNumberWithNoOneTextFormIsRefusedNamingTheField() {
        for (String number : List.of("5e0", "5.00000000000000000001", "1E3")) {
            Http.Response refused = http.postJson(
                    "/api/predict",
                    "{\"island\": \"Biscoe\", \"body_mass_kg\": " + number + ", \"flipper_length_mm\": 215.0}");
            assertEquals(List.of("body_mass_kg"), refused.errorFields(400), number);
            String detail = refused.problem(400).toString();
            assertTrue(
                    detail.contains("is a text input and the number " + number + " has no one text form")
                            && detail.contains("send it as a string"),
                    detail);
        }
    }
}
