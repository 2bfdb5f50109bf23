package org.tabserve.web.v2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tabserve.testing.Http;

/**
 * The Open Inference Protocol (KServe v2, REST) against the packaged WAR, field by field as
 * kserve/open-inference-protocol's {@code specification/protocol/inference_rest.md} defines each response object.
 */
class OpenInferenceProtocolTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** The test JVM's one server of the bundled model: this class only reads from it. */
    @RegisterExtension
    static final Http server = Http.sharingTheApp();

    private static String name;
    private static String version;
    private static String input;
    private static List<String> features;
    private static List<String> classNames;

    /** Two rows of the bundled data set by feature name: a genuine note and a forged one. */
    private static final List<Map<String, Double>> ROWS = List.of(
            Map.of("variance", 3.6216, "skewness", 8.6661, "curtosis", -2.8073, "entropy", -0.44699),
            Map.of("variance", -1.3971, "skewness", 3.3191, "curtosis", -1.3927, "entropy", -1.9948));

    @BeforeAll
    static void start() throws Exception {
        JsonNode model = get("/api/model").json;
        name = model.get("name").asText();
        version = model.get("version").asText();
        input = model.get("input").get("name").asText();
        features = new ArrayList<>();
        model.get("input")
                .get("features")
                .forEach(f -> features.add(f.get("name").asText()));
        classNames = new ArrayList<>();
        model.get("classes").forEach(c -> classNames.add(c.get("display_name").asText()));
    }

    record Answer(int status, String contentType, JsonNode json, HttpResponse<String> response) {}

    static Answer send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = response.body().isEmpty() ? null : JSON.readTree(response.body());
        return new Answer(
                response.statusCode(),
                response.headers().firstValue("Content-Type").orElse(""),
                json,
                response);
    }

    static Answer get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(server.uri(path)));
    }

    static Answer post(String path, Object body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(server.uri(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        body instanceof String s ? s : JSON.writeValueAsString(body))));
    }

    /** The rows in the model's column order, as the protocol's row-major data. */
    static List<List<Double>> tensorRows() {
        List<List<Double>> rows = new ArrayList<>();
        for (Map<String, Double> row : ROWS) {
            rows.add(features.stream().map(row::get).toList());
        }
        return rows;
    }

    static Map<String, Object> inferRequest(String datatype, Object shape, Object data) {
        Map<String, Object> tensor = new LinkedHashMap<>();
        tensor.put("name", input);
        tensor.put("shape", shape);
        tensor.put("datatype", datatype);
        tensor.put("data", data);
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("inputs", List.of(tensor));
        return request;
    }

    static String infer() {
        return "/v2/models/" + name + "/infer";
    }

    static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** The protocol's error object: a 4xx, JSON, and exactly {"error": $string}. */
    static void assertProtocolError(Answer answer, int status, String mentions) {
        assertEquals(status, answer.status(), answer.response().body());
        assertTrue(answer.contentType().startsWith("application/json"), answer.contentType());
        assertEquals(List.of("error"), fieldNames(answer.json()));
        assertTrue(answer.json().get("error").isTextual());
        assertTrue(
                answer.json().get("error").asText().contains(mentions),
                answer.json().toString());
    }

    @Test
    void serverMetadataGivesNameVersionAndExtensions() throws Exception {
        Answer answer = get("/v2");
        assertEquals(200, answer.status());
        assertEquals(List.of("name", "version", "extensions"), fieldNames(answer.json()));
        assertEquals("tabserve", answer.json().get("name").asText());
        assertTrue(answer.json().get("version").isTextual()
                && !answer.json().get("version").asText().isEmpty());
        assertTrue(answer.json().get("extensions").isArray());
    }

    @Test
    void serverLiveAndReadyAnswerTrue() throws Exception {
        assertEquals(JSON.readTree("{\"live\": true}"), get("/v2/health/live").json());
        Answer ready = get("/v2/health/ready");
        assertEquals(200, ready.status());
        assertEquals(JSON.readTree("{\"ready\": true}"), ready.json());
    }

    @Test
    void modelMetadataNamesTheCardsModelOnnxPlatformAndRealTensors() throws Exception {
        for (String path : List.of("/v2/models/" + name, "/v2/models/" + name + "/versions/" + version)) {
            Answer answer = get(path);
            assertEquals(200, answer.status(), path);
            JsonNode metadata = answer.json();
            assertEquals(name, metadata.get("name").asText());
            assertEquals(JSON.valueToTree(List.of(version)), metadata.get("versions"));
            assertEquals("onnx_onnxv1", metadata.get("platform").asText());
            // The columns' and the classes' names are hints in the protocol's parameters; the tensor stays the input.
            assertEquals(
                    JSON.readTree("[{\"name\": \"" + input + "\", \"datatype\": \"FP32\", \"shape\": [-1, "
                            + features.size() + "], \"parameters\": {\"feature_names\": "
                            + JSON.writeValueAsString(features)
                            + "}}]"),
                    metadata.get("inputs"));
            assertEquals(
                    JSON.readTree("[{\"name\": \"label\", \"datatype\": \"BYTES\", \"shape\": [-1],"
                            + " \"parameters\": {\"class_names\": " + JSON.writeValueAsString(classNames) + "}},"
                            + " {\"name\": \"probabilities\", \"datatype\": \"FP32\", \"shape\": [-1, 2]}]"),
                    metadata.get("outputs"));
        }
    }

    @Test
    void modelReadyGivesTheNameAndTrue() throws Exception {
        assertEquals(
                JSON.readTree("{\"name\": \"" + name + "\", \"ready\": true}"),
                get("/v2/models/" + name + "/ready").json());
        assertEquals(
                200,
                get("/v2/models/" + name + "/versions/" + version + "/ready").status());
    }

    @Test
    void inferEchoesTheIdAndAnswersLabelsAndProbabilitiesAsTheJsonApiDoes() throws Exception {
        Map<String, Object> request = inferRequest(
                "FP32",
                List.of(2, features.size()),
                tensorRows().stream().flatMap(List::stream).toList());
        request.put("id", "42");
        Answer answer = post(infer(), request);
        assertEquals(200, answer.status(), answer.response().body());
        JsonNode body = answer.json();
        assertEquals(List.of("model_name", "model_version", "id", "parameters", "outputs"), fieldNames(body));
        assertEquals(List.of("model_sha256"), fieldNames(body.get("parameters")), "the served file's digest");
        assertEquals(name, body.get("model_name").asText());
        assertEquals(version, body.get("model_version").asText());
        assertEquals("42", body.get("id").asText());
        JsonNode label = body.get("outputs").get(0);
        JsonNode probabilities = body.get("outputs").get(1);
        assertEquals(List.of("name", "datatype", "shape", "data"), fieldNames(label));
        assertEquals("label", label.get("name").asText());
        assertEquals("BYTES", label.get("datatype").asText());
        assertEquals(JSON.readTree("[2]"), label.get("shape"));
        assertEquals("probabilities", probabilities.get("name").asText());
        assertEquals("FP32", probabilities.get("datatype").asText());
        assertEquals(JSON.readTree("[2, 2]"), probabilities.get("shape"));
        assertEquals(4, probabilities.get("data").size());

        JsonNode reference =
                post("/api/predict", Map.of("instances", ROWS)).json().get("predictions");
        for (int row = 0; row < 2; row++) {
            assertEquals(
                    reference.get(row).get("label").asText(),
                    label.get("data").get(row).asText());
            assertEquals(
                    reference.get(row).get("probabilities").get("0").asDouble(),
                    probabilities.get("data").get(2 * row).asDouble(),
                    1e-6);
            assertEquals(
                    reference.get(row).get("probabilities").get("1").asDouble(),
                    probabilities.get("data").get(2 * row + 1).asDouble(),
                    1e-6);
        }
        assertEquals(
                List.of("0", "1"),
                List.of(
                        label.get("data").get(0).asText(),
                        label.get("data").get(1).asText()),
                "the first row is a genuine note, the second a forged one");
    }

    @Test
    void inferTakesNestedDataAndTheVersionedPathLikeFlatData() throws Exception {
        JsonNode flat = post(
                        infer(),
                        inferRequest(
                                "FP32",
                                List.of(2, features.size()),
                                tensorRows().stream().flatMap(List::stream).toList()))
                .json();
        Answer nested = post(
                "/v2/models/" + name + "/versions/" + version + "/infer",
                inferRequest("FP32", List.of(2, features.size()), tensorRows()));
        assertEquals(200, nested.status());
        assertEquals(flat.get("outputs"), nested.json().get("outputs"));
        assertFalse(nested.json().has("id"), "no id was sent, so none is answered");
    }

    @Test
    void inferReturnsOnlyTheRequestedOutputs() throws Exception {
        Map<String, Object> request =
                inferRequest("FP32", List.of(1, features.size()), tensorRows().get(0));
        request.put("outputs", List.of(Map.of("name", "probabilities")));
        JsonNode outputs = post(infer(), request).json().get("outputs");
        assertEquals(1, outputs.size());
        assertEquals("probabilities", outputs.get(0).get("name").asText());
    }

    @Test
    void inferTakesIntegerDataThatIsExactlyFloat() throws Exception {
        Answer answer = post(infer(), inferRequest("INT64", List.of(1, features.size()), List.of(1, -2, 3, 0)));
        assertEquals(200, answer.status(), answer.response().body());
    }

    @Test
    void unknownModelOrVersionIs404WithAnErrorObject() throws Exception {
        assertProtocolError(get("/v2/models/no-such-model"), 404, "no model named 'no-such-model'");
        assertProtocolError(get("/v2/models/no-such-model/ready"), 404, "no model named");
        assertProtocolError(get("/v2/models/" + name + "/versions/999"), 404, "version 999 of model");
        assertProtocolError(
                post("/v2/models/no-such-model/infer", inferRequest("FP32", List.of(1, 4), List.of(1, 2, 3, 4))),
                404,
                "no model named");
        assertProtocolError(get("/v2/no/such/route"), 404, "no route");
    }

    @Test
    void shapeThatDoesNotMatchTheDataIs400() throws Exception {
        assertProtocolError(
                post(
                        infer(),
                        inferRequest(
                                "FP32",
                                List.of(2, features.size()),
                                tensorRows().get(0))),
                400,
                "needs 8 values, but its data has 4");
    }

    @Test
    void wrongDatatypeIs400() throws Exception {
        assertProtocolError(
                post(infer(), inferRequest("BOOL", List.of(1, 4), List.of(true, false, true, false))),
                400,
                "datatype 'BOOL'");
        assertProtocolError(
                post(infer(), inferRequest("FP64", List.of(1, 4), List.of(0.1, 1, 2, 3))),
                400,
                "not exactly a float32");
    }

    @Test
    void missingOrUnknownInputIs400() throws Exception {
        assertProtocolError(post(infer(), Map.of("inputs", List.of())), 400, "missing input '" + input + "'");
        assertProtocolError(
                post(
                        infer(),
                        "{\"inputs\": [{\"name\": \"input0\", \"shape\": [1, 4], \"datatype\": \"FP32\", "
                                + "\"data\": [1, 2, 3, 4]}]}"),
                400,
                "unknown input 'input0'");
    }

    @Test
    void malformedJsonWrongContentTypeAndWrongMethodAreErrorObjects() throws Exception {
        assertProtocolError(post(infer(), "{\"inputs\": "), 400, "malformed JSON");
        assertProtocolError(
                send(HttpRequest.newBuilder(server.uri(infer()))
                        .header("Content-Type", "text/plain")
                        .POST(HttpRequest.BodyPublishers.ofString("{}"))),
                415,
                "application/json");
        Answer wrongMethod = get(infer());
        assertProtocolError(wrongMethod, 405, "GET is not allowed");
        assertEquals(
                "OPTIONS, POST",
                wrongMethod.response().headers().firstValue("Allow").orElse(""));
    }

    @Test
    void errorsUnderV2AreJsonEvenForBrowsers() throws Exception {
        Answer answer =
                send(HttpRequest.newBuilder(server.uri("/v2/models/nope")).header("Accept", "text/html"));
        assertProtocolError(answer, 404, "no model named");
    }

    @Test
    void theReadmeExampleGivesTheLabelItShows() throws Exception {
        // README: variance 3.6, skewness 8.6, curtosis -2.8, entropy -0.44, sent in the model's column order
        Map<String, Double> row = Map.of("variance", 3.6, "skewness", 8.6, "curtosis", -2.8, "entropy", -0.44);
        Map<String, Object> request = inferRequest(
                "FP32", List.of(1, 4), features.stream().map(row::get).toList());
        JsonNode outputs = post(infer(), request).json().get("outputs");
        assertEquals("0", outputs.get(0).get("data").get(0).asText());
    }
}
