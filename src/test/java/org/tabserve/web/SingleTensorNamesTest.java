package org.tabserve.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.cli.IrisCards;
import org.tabserve.launcher.TabserveServer;
import org.tabserve.testing.Http;
import org.tabserve.testing.Multipart;

/**
 * A single-tensor model (one float input [N, 4], classes 0, 1, 2: what XGBoost, LightGBM, PyTorch and Keras users
 * bring), carded by the real {@code card} command with the iris CSV it was trained from: the columns take the CSV
 * header's names and the classes the species' names, and from then on every route answers to the names with
 * scikit-learn's answers: the JSON API and {@code /predict} (JSON, query, form), the CSV upload, MLflow's
 * {@code /invocations}, v2 (its input stays the tensor, the names are its metadata's hint), {@code /api/model} and the
 * OpenAPI document. {@code f0} is no alias. The same holds for a model whose outputs declare no shape and whose input
 * is fixed at 10 rows, as onnxmltools writes LightGBM's.
 */
class SingleTensorNamesTest {

    private static final String MODEL = "iris-single-tensor";
    private static final String UNDECLARED = "iris-undeclared-shape";
    private static final String BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

    @TempDir
    static Path dir;

    private static TabserveServer server;
    private static Http http;
    private static JsonNode expected;

    @BeforeAll
    static void cardAndServe() throws IOException {
        IrisCards.Run run = IrisCards.card(dir, MODEL, "--class-names", String.join(",", IrisCards.SPECIES));
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("so they are named after the header"), run.out());
        server = TabserveServer.startReady("--model", run.model().toString());
        http = new Http(server);
        expected = IrisCards.expected(MODEL);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        server.close();
    }

    @Test
    void theJsonApiAndPredictAnswerEveryRowByNameAsScikitLearnDid() {
        ObjectNode batch = Http.JSON.createObjectNode();
        ArrayNode instances = batch.putArray("instances");
        expected.get("rows").forEach(row -> instances.add(row.get("inputs")));
        for (String route : List.of("/api/predict", "/predict")) {
            JsonNode predictions = http.postJson(route, batch.toString()).json().get("predictions");
            assertAnswers(expected, predictions, route);
        }
        JsonNode first = expected.get("rows").get(0);
        assertAnswer(
                first,
                http.postJson("/api/predict", first.get("inputs").toString()).json(),
                "one row");
    }

    @Test
    void theQueryAndTheFormTakeTheNames() {
        for (int r : new int[] {0, 50, 100}) {
            JsonNode row = expected.get("rows").get(r);
            assertAnswer(row, http.get("/predict?" + query(row)).json(), "GET /predict row " + (r + 1));
            Document page =
                    http.postForm("/", query(row), "Accept", BROWSER_ACCEPT).html();
            String species = IrisCards.SPECIES.get(row.get("label").asInt());
            assertTrue(page.text().contains(species), () -> "the form's answer names " + species + ": " + page.text());
        }
        Document form = http.get("/").html();
        for (String feature : IrisCards.FEATURES) {
            assertEquals(
                    1, form.select("form#predict input[name=" + feature + "]").size(), feature);
        }
        assertTrue(form.select("form#predict input[name=f0]").isEmpty(), "no f0 field");
    }

    @Test
    void theCsvUploadTakesTheTrainingCsvWithItsNamedColumns() throws IOException {
        JsonNode predictions = http.upload("/predict_file", Multipart.csv(Files.readAllBytes(IrisCards.CSV)))
                .json()
                .get("predictions");
        assertAnswers(expected, predictions, "/predict_file");
    }

    @Test
    void mlflowInvocationsTakeTheNamedColumnsAndAnswerTheClassLabels() {
        ObjectNode split = Http.JSON.createObjectNode();
        ObjectNode frame = split.putObject("dataframe_split");
        IrisCards.FEATURES.forEach(frame.putArray("columns")::add);
        ArrayNode data = frame.putArray("data");
        expected.get("rows").forEach(row -> {
            ArrayNode values = data.addArray();
            IrisCards.FEATURES.forEach(f -> values.add(row.get("inputs").get(f)));
        });
        JsonNode predictions = http.post(
                        "/invocations", "application/json", split.toString().getBytes(StandardCharsets.UTF_8))
                .json()
                .get("predictions");
        assertEquals(expected.get("rows").size(), predictions.size());
        for (int r = 0; r < predictions.size(); r++) {
            assertEquals(
                    expected.get("rows").get(r).get("label").asText(),
                    predictions.get(r).asText(),
                    "row " + r);
        }
    }

    @Test
    void v2KeepsTheTensorInputAndOffersTheNamesInItsMetadata() {
        String name = http.get("/api/model").json().get("name").asText();
        JsonNode metadata = http.get("/v2/models/" + name).json();
        JsonNode input = metadata.get("inputs").get(0);
        assertEquals("float_input", input.get("name").asText());
        assertEquals(
                Http.JSON.valueToTree(IrisCards.FEATURES),
                input.path("parameters").path("feature_names"));
        ObjectNode request = Http.JSON.createObjectNode();
        ObjectNode tensor = request.putArray("inputs")
                .addObject()
                .put("name", "float_input")
                .put("datatype", "FP32");
        tensor.putArray("shape").add(expected.get("rows").size()).add(4);
        ArrayNode values = tensor.putArray("data");
        expected.get("rows")
                .forEach(row -> IrisCards.FEATURES.forEach(
                        f -> values.add(row.get("inputs").get(f))));
        JsonNode outputs = http.postJson("/v2/models/" + name + "/infer", request.toString())
                .json()
                .get("outputs");
        JsonNode labels = outputs.get(0);
        assertEquals("label", labels.get("name").asText());
        for (int r = 0; r < expected.get("rows").size(); r++) {
            assertEquals(
                    expected.get("rows").get(r).get("label").asText(),
                    labels.get("data").get(r).asText());
        }
    }

    @Test
    void theModelsDescriptionAndOpenApiNameTheColumnsAndClasses() {
        JsonNode model = http.get("/api/model").json();
        List<String> features = new ArrayList<>();
        model.get("features").forEach(f -> features.add(f.get("name").asText()));
        assertEquals(IrisCards.FEATURES, features);
        List<String> displayNames = new ArrayList<>();
        model.get("classes").forEach(c -> displayNames.add(c.get("display_name").asText()));
        assertEquals(IrisCards.SPECIES, displayNames);
        String openApi = http.get("/openapi.json").text();
        for (String feature : IrisCards.FEATURES) {
            assertTrue(openApi.contains("\"" + feature + "\""), feature + " in the OpenAPI document");
        }
        assertTrue(openApi.contains("setosa"), "the class names in the OpenAPI document");
    }

    /** Once named, the columns answer to their names only: f0..f3 are refused, naming the columns it lacks. */
    @Test
    void f0IsNoAliasOnceTheColumnsAreNamed() {
        List<String> fields = http.postJson("/api/predict", "{\"f0\": 5.1, \"f1\": 3.5, \"f2\": 1.4, \"f3\": 0.2}")
                .errorFields(400);
        assertTrue(fields.containsAll(IrisCards.FEATURES), fields::toString);
    }

    /** onnxmltools' LightGBM shape: outputs of no declared shape, a fixed batch of 10; carded, served by name. */
    @Test
    void aModelWithOutputsOfNoDeclaredShapeIsCardedAndServedByName() throws Exception {
        IrisCards.Run run = IrisCards.card(dir, UNDECLARED, "--class-names", String.join(",", IrisCards.SPECIES));
        assertEquals(0, run.status(), run.err());
        JsonNode recorded = IrisCards.expected(UNDECLARED);
        try (TabserveServer other =
                TabserveServer.startReady("--model", run.model().toString())) {
            Http client = new Http(other);
            ObjectNode batch = Http.JSON.createObjectNode();
            ArrayNode instances = batch.putArray("instances");
            recorded.get("rows").forEach(row -> instances.add(row.get("inputs")));
            assertAnswers(
                    recorded,
                    client.postJson("/api/predict", batch.toString()).json().get("predictions"),
                    UNDECLARED);
            JsonNode row = recorded.get("rows").get(70);
            assertAnswer(row, client.get("/predict?" + query(row)).json(), UNDECLARED + " one row");
        }
    }

    private static String query(JsonNode row) {
        List<String> pairs = new ArrayList<>();
        for (String feature : IrisCards.FEATURES) {
            pairs.add(feature + "="
                    + URLEncoder.encode(row.get("inputs").get(feature).asText(), StandardCharsets.UTF_8));
        }
        return String.join("&", pairs);
    }

    private static void assertAnswers(JsonNode recorded, JsonNode predictions, String what) {
        assertEquals(recorded.get("rows").size(), predictions.size(), what);
        for (int r = 0; r < predictions.size(); r++) {
            assertAnswer(recorded.get("rows").get(r), predictions.get(r), what + " row " + (r + 1));
        }
    }

    /** scikit-learn's label, its species as the display name, and each class's probability within 1e-5. */
    private static void assertAnswer(JsonNode row, JsonNode answer, String what) {
        String label = row.get("label").asText();
        assertEquals(label, answer.get("label").asText(), what);
        assertEquals(
                IrisCards.SPECIES.get(Integer.parseInt(label)),
                answer.get("display_name").asText(),
                what);
        row.get("probabilities")
                .fields()
                .forEachRemaining(p -> assertEquals(
                        p.getValue().asDouble(),
                        answer.get("probabilities").get(p.getKey()).asDouble(),
                        1e-5,
                        what + " class " + p.getKey()));
    }
}
