package org.tabserve.web.openapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.tabserve.cli.FixtureCards;
import org.tabserve.launcher.TabserveServer;
import org.tabserve.web.v2.TypedModelsV2Test;

/**
 * The OpenAPI document of a typed model, checked against real exchanges as {@link OpenApiConformanceTest} checks the
 * bank-note model's: a species classifier with text inputs and measurements that may be missing, and a body-mass
 * regressor, each served from its penguins fixture with {@code --model}. The document types every field (number,
 * string with known categories, nullable where missing is allowed), answers with the regression schema for the
 * regressor, and has one v2 tensor per input; {@code /api/predict}, {@code /api/model} and v2 requests and answers
 * conform to it.
 */
class TypedOpenApiConformanceTest {

    private static final Path DIR = Path.of("src/test/resources/org/tabserve/fixtures/penguins");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One served fixture with its document; the nested classes below each serve one. */
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    abstract static class Served {
        TabserveServer server;
        OpenApiExchanges api;
        JsonNode expected;
        String name;

        abstract String fixture();

        /** @return the file served: the fixture as exported, unless a class cards it (a background sample) */
        Path served() throws Exception {
            return DIR.resolve(fixture() + ".onnx");
        }

        /** @return whether the file served has a card with a background sample, and so explains its answers */
        boolean carded() {
            return false;
        }

        @BeforeAll
        void start() throws Exception {
            expected = JSON.readTree(DIR.resolve(fixture() + ".expected.json").toFile());
            server = TabserveServer.startReady(
                    "--model", served().toAbsolutePath().toString());
            api = OpenApiExchanges.of(server);
            name = JSON.readTree(api.get("/api/model", 200).body()).path("name").asText();
        }

        @AfterAll
        void stop() throws InterruptedException {
            server.close();
        }

        JsonNode schema(String name) {
            return api.document().at("/components/schemas/" + name);
        }

        /** A row of the fixture as the JSON routes take it: its inputs by name, null for a missing value. */
        String row(int index) {
            return expected.path("rows").get(index).path("inputs").toString();
        }

        @Test
        void theModelRouteConforms() throws Exception {
            JsonNode model = JSON.readTree(api.get("/api/model", 200).body());
            assertEquals(expected.path("task").asText(), model.path("task").asText());
        }

        @Test
        void v2MetadataAndInferConformWithEveryRowAndOnErrors() throws Exception {
            api.get("/v2/models/" + name, 200);
            HttpResponse<String> answer = api.postJson(
                    "/v2/models/" + name + "/infer",
                    JSON.writeValueAsString(TypedModelsV2Test.inferRequest(expected)),
                    200,
                    true);
            assertEquals(
                    expected.path("rows").size(),
                    JSON.readTree(answer.body()).at("/outputs/0/shape/0").asInt());
            // A number where the model takes text, and text where it takes a number: 400 naming the input.
            ObjectNode wrong = JSON.valueToTree(TypedModelsV2Test.inferRequest(expected));
            ((ObjectNode) wrong.path("inputs").get(0)).put("datatype", "FP32");
            String first = wrong.path("inputs").get(0).path("name").asText();
            HttpResponse<String> refused = api.postJson("/v2/models/" + name + "/infer", wrong.toString(), 400, false);
            assertTrue(refused.body().contains("input '" + first + "'"), refused.body());
            ObjectNode missing = JSON.valueToTree(TypedModelsV2Test.inferRequest(expected));
            ((com.fasterxml.jackson.databind.node.ArrayNode) missing.path("inputs")).remove(1);
            String second = expected.path("inputs").get(1).path("name").asText();
            HttpResponse<String> noInput =
                    api.postJson("/v2/models/" + name + "/infer", missing.toString(), 400, false);
            assertTrue(noInput.body().contains("missing input '" + second + "'"), noInput.body());
        }

        @Test
        void theDocumentTypesEveryFieldAndHasOneV2TensorPerInput() {
            JsonNode features = schema("Features").path("properties");
            for (JsonNode input : expected.path("inputs")) {
                JsonNode field = features.path(input.path("name").asText());
                String type = input.path("type").asText();
                assertEquals(
                        type.equals("string") ? "string" : type.equals("int64") ? "integer" : "number",
                        field.path("type").asText(),
                        field::toString);
                assertEquals(
                        input.path("missing_allowed").asBoolean(),
                        field.path("nullable").asBoolean(false),
                        field::toString);
                if (type.equals("string")) {
                    assertTrue(field.path("description").asText().contains("known values"), field::toString);
                }
            }
            JsonNode tensors = schema("V2RequestInput").path("oneOf");
            assertEquals(expected.path("inputs").size(), tensors.size(), tensors::toString);
            for (int i = 0; i < tensors.size(); i++) {
                String input = expected.path("inputs").get(i).path("name").asText();
                assertEquals(List.of(input), JSON.convertValue(tensors.get(i).at("/properties/name/enum"), List.class));
                assertEquals(
                        TypedModelsV2Test.v2Datatype(
                                expected.path("inputs").get(i).path("type").asText()),
                        tensors.get(i).at("/properties/datatype/enum/0").asText());
            }
        }

        /** Every row of the fixture, as one object and all in one batch, is a request the document takes. */
        @Test
        void everyRowIsAPredictRequestTheDocumentTakes() {
            StringBuilder all = new StringBuilder("{\"instances\": [");
            for (int r = 0; r < expected.path("rows").size(); r++) {
                api.assertValidJsonRequest("/api/predict", row(r));
                all.append(r > 0 ? "," : "").append(row(r));
            }
            api.assertValidJsonRequest("/api/predict", all.append("]}").toString());
        }

        /**
         * {@code /api/predict} with a typed row and a batch of every row. This needs the typed JSON parser (the
         * JSON routes' part of issue 12); the document already describes it.
         */
        @Test
        void predictApiConformsForATypedRowAndABatch() throws Exception {
            api.postJson("/api/predict", row(0), 200, true);
            StringBuilder all = new StringBuilder("{\"instances\": [");
            for (int r = 0; r < expected.path("rows").size(); r++) {
                all.append(r > 0 ? "," : "").append(row(r));
            }
            api.postJson("/api/predict", all.append("]}").toString(), 200, true);
            ObjectNode wrong = (ObjectNode) JSON.readTree(row(0));
            // A boolean, which no input of these models takes (a number is taken for a text input since issue 39).
            wrong.put(expected.path("inputs").get(0).path("name").asText(), true);
            api.postJson("/api/predict", wrong.toString(), 400, false);
        }

        /**
         * {@code /api/predict} asked to explain, one row and a batch: the explanation conforms to the document, or, for
         * a model whose card has no background sample, the 400 does.
         */
        @Test
        void explainedAnswersConformOrTheRefusalDoes() throws Exception {
            String batch = "{\"explain\": true, \"instances\": [" + row(0) + "," + row(1) + "]}";
            if (carded()) {
                HttpResponse<String> one = api.postJson("/api/predict?explain=true", row(0), 200, true);
                assertTrue(JSON.readTree(one.body()).has("explanation"), one::body);
                HttpResponse<String> two = api.postJson("/api/predict", batch, 200, true);
                assertTrue(JSON.readTree(two.body()).path("predictions").get(1).has("explanation"), two::body);
            } else {
                api.postJson("/api/predict?explain=true", row(0), 400, false);
                api.postJson("/api/predict", batch, 400, false);
            }
        }

        /** MLflow's {@code /invocations} with every row as records: request and answer (labels or values) conform. */
        @Test
        void mlflowInvocationsConformsForEveryRow() throws Exception {
            StringBuilder all = new StringBuilder("{\"dataframe_records\": [");
            for (int r = 0; r < expected.path("rows").size(); r++) {
                all.append(r > 0 ? "," : "").append(row(r));
            }
            HttpResponse<String> answer =
                    api.postJson("/invocations", all.append("]}").toString(), 200, true);
            assertEquals(
                    expected.path("rows").size(),
                    JSON.readTree(answer.body()).path("predictions").size());
        }
    }

    @Nested
    class SpeciesClassifier extends Served {
        @Override
        String fixture() {
            return "species-zipmap";
        }

        @Test
        void theAnswerIsAClassifiersWithItsClasses() {
            assertEquals(
                    List.of("Adelie", "Chinstrap", "Gentoo"),
                    JSON.convertValue(schema("Prediction").at("/properties/label/enum"), List.class));
            assertFalse(schema("Probabilities").isMissingNode());
            assertEquals(
                    List.of("label", "probabilities"),
                    JSON.convertValue(schema("V2RequestOutput").at("/properties/name/enum"), List.class));
        }
    }

    @Nested
    class BodyMassRegressor extends Served {
        @Override
        String fixture() {
            return "body-mass-regressor";
        }

        @Test
        void theAnswerIsAValueWithWarningsAndV2NamesTheGraphsOutput() {
            JsonNode prediction = schema("Prediction");
            assertEquals(List.of("value", "warnings"), JSON.convertValue(prediction.path("required"), List.class));
            assertTrue(schema("Probabilities").isMissingNode(), "a regressor has no probabilities");
            assertEquals(
                    List.of("variable"),
                    JSON.convertValue(schema("V2RequestOutput").at("/properties/name/enum"), List.class));
            assertEquals(
                    "FP32",
                    schema("V2ValueOutput").at("/properties/datatype/enum/0").asText());
        }
    }

    /** The species classifier carded by the real {@code card} command: its answers carry explanations. */
    @Nested
    class CardedSpeciesClassifier extends Served {
        @Override
        String fixture() {
            return "species-zipmap";
        }

        @Override
        Path served() throws Exception {
            return FixtureCards.card(java.nio.file.Files.createTempDirectory("explain"), fixture(), "species");
        }

        @Override
        boolean carded() {
            return true;
        }
    }

    /** The body-mass regressor carded by the real {@code card} command: its values are explained. */
    @Nested
    class CardedBodyMassRegressor extends Served {
        @Override
        String fixture() {
            return "body-mass-regressor";
        }

        @Override
        Path served() throws Exception {
            return FixtureCards.card(java.nio.file.Files.createTempDirectory("explain"), fixture(), "body_mass_g");
        }

        @Override
        boolean carded() {
            return true;
        }
    }
}
