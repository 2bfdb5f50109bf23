package org.tabserve.web.v2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tabserve.launcher.TabserveServer;

/**
 * Flink's {@code ML_PREDICT} with its Triton model provider ({@code 'provider' = 'triton'}, the Open Inference Protocol
 * over REST) against tabserve's {@code /v2} route, for a single-tensor model (iris, one FP32 input {@code [N, 4]}):
 * every request is the one the provider sends for one record, byte for byte, and every answer is read as the
 * provider reads it, into the one output column. What the provider sends is read from its source as released,
 * {@code org.apache.flink:flink-model-triton:2.3.0}'s sources jar (Maven Central),
 * {@code org/apache/flink/model/triton/TritonInferenceModelFunction.java} ({@code asyncPredict},
 * {@code buildInferenceRequest}, {@code parseInferenceResponse}), {@code TritonTypeMapper.java} and
 * {@code TritonUtils.buildInferenceUrl}; the same code as apache/flink's master at f745f50b7 (2026):
 * <ul>
 *   <li>POST {@code {endpoint}/v2/models/{model-name}/versions/{model-version}/infer}, one call per record, by OkHttp
 *       4.12.0: {@code Content-Type: application/json; charset=utf-8}, {@code Accept-Encoding: gzip},
 *       {@code User-Agent: okhttp/4.12.0}; with {@code 'compression' = 'gzip'} the body gzipped and
 *       {@code Content-Encoding: gzip}; with {@code 'auth-token'} an {@code Authorization: Bearer} header;
 *   <li>the body a Jackson {@code ObjectNode}: {@code inputs} (one tensor named as the input column <em>upper-cased</em>,
 *       its datatype from the column's type, {@code ARRAY<FLOAT>} as FP32, shape {@code [1, n]}, data the array),
 *       {@code outputs} (one, named as the output column upper-cased); no {@code id} or {@code parameters} unless
 *       {@code sequence-id} or {@code priority} are set;
 *   <li>the answer: for each tensor in {@code outputs} whose {@code data} is not empty, one result row (so an answer
 *       with more outputs than asked would give the record as many rows); a scalar column takes {@code data[0]}, an
 *       {@code ARRAY<FLOAT>} the whole data.
 * </ul>
 * The answers must be scikit-learn's, as the fixture recorded them, for all 150 rows.
 */
class FlinkTritonProviderTest {

    private static final Path MODEL = Path.of("src/test/resources/org/tabserve/fixtures/iris/iris-single-tensor.onnx");
    private static final Path EXPECTED =
            Path.of("src/test/resources/org/tabserve/fixtures/iris/iris-single-tensor.expected.json");
    private static final List<String> COLUMNS = List.of("sepal_length", "sepal_width", "petal_length", "petal_width");
    /** The provider's own mapper: a plain {@code new ObjectMapper()}. */
    private static final ObjectMapper JACKSON = new ObjectMapper();

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static TabserveServer server;
    private static String endpoint;
    private static String name;
    private static String version;
    private static JsonNode expected;

    @BeforeAll
    static void start() throws IOException, InterruptedException {
        server = TabserveServer.startReady("--model", MODEL.toString());
        endpoint = server.uri("/").toString().replaceAll("/$", "");
        JsonNode model = JACKSON.readTree(HTTP.send(
                        HttpRequest.newBuilder(server.uri("/api/model")).build(), HttpResponse.BodyHandlers.ofString())
                .body());
        name = model.get("name").asText();
        // the version the provider's 'model-version' names: the one the protocol's metadata lists
        JsonNode metadata = JACKSON.readTree(HTTP.send(
                        HttpRequest.newBuilder(server.uri("/v2/models/" + name)).build(),
                        HttpResponse.BodyHandlers.ofString())
                .body());
        version = metadata.get("versions").get(0).asText();
        expected = JACKSON.readTree(EXPECTED.toFile());
    }

    @AfterAll
    static void stop() throws InterruptedException {
        server.close();
    }

    /**
     * {@code CREATE MODEL iris INPUT (float_input ARRAY<FLOAT>) OUTPUT (label STRING) WITH ('provider' = 'triton',
     * 'endpoint' = ..., 'model-name' = ..., 'model-version' = ...)}: every record's label is scikit-learn's.
     */
    @Test
    void aStringOutputColumnGetsEveryRecordsLabel() throws Exception {
        JsonNode rows = expected.get("rows");
        for (JsonNode row : rows) {
            String body = requestBody("float_input", features(row), "label");
            List<Object> results = parseAsTheProviderDoes(call(body, Map.of()), false);
            assertEquals(1, results.size(), "one row per record, row " + row.get("row"));
            assertEquals(row.get("label").asText(), results.get(0), "row " + row.get("row"));
        }
    }

    /** The same model with {@code OUTPUT (probabilities ARRAY<FLOAT>)}: each class's probability, in class order. */
    @Test
    void anArrayOutputColumnGetsEveryRecordsProbabilities() throws Exception {
        for (JsonNode row : expected.get("rows")) {
            String body = requestBody("float_input", features(row), "probabilities");
            List<Object> results = parseAsTheProviderDoes(call(body, Map.of()), true);
            assertEquals(1, results.size(), "one row per record, row " + row.get("row"));
            float[] probabilities = (float[]) results.get(0);
            assertEquals(3, probabilities.length);
            for (int c = 0; c < 3; c++) {
                assertEquals(
                        row.get("probabilities").get(Integer.toString(c)).asDouble(),
                        probabilities[c],
                        1e-5,
                        "row " + row.get("row") + " class " + c);
            }
        }
    }

    /** The body is exactly the provider's, which upper-cases both tensor names; this pins its bytes for row 1. */
    @Test
    void theBodyIsTheProvidersByteForByte() {
        assertEquals(
                "{\"inputs\":[{\"name\":\"FLOAT_INPUT\",\"datatype\":\"FP32\",\"shape\":[1,4],"
                        + "\"data\":[5.1,3.5,1.4,0.2]}],\"outputs\":[{\"name\":\"LABEL\"}]}",
                requestBody("float_input", features(expected.get("rows").get(0)), "label"));
    }

    /** {@code 'compression' = 'gzip'} and {@code 'auth-token'}: a gzipped body and a bearer header are answered alike. */
    @Test
    void aGzippedBodyWithABearerTokenIsAnsweredAlike() throws Exception {
        JsonNode row = expected.get("rows").get(100);
        String body = requestBody("float_input", features(row), "label");
        ByteArrayOutputStream zipped = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(zipped)) {
            gzip.write(body.getBytes(StandardCharsets.UTF_8));
        }
        HttpResponse<byte[]> answer = send(
                zipped.toByteArray(), Map.of("Content-Encoding", "gzip", "Authorization", "Bearer flink-job-token"));
        assertEquals(200, answer.statusCode(), text(answer));
        List<Object> results = parseAsTheProviderDoes(text(answer), false);
        assertEquals(List.of(row.get("label").asText()), results);
    }

    /**
     * The provider's default {@code 'model-version' = 'latest'} is no version to tabserve (nor to Triton, whose
     * versions are numbers): a 404 in the protocol's error shape, which the provider shows with the body.
     */
    @Test
    void theDefaultVersionLatestIsA404SayingWhy() throws Exception {
        String body = requestBody("float_input", features(expected.get("rows").get(0)), "label");
        HttpResponse<byte[]> answer = send(body.getBytes(StandardCharsets.UTF_8), Map.of(), "latest");
        assertEquals(404, answer.statusCode(), text(answer));
        String error = JACKSON.readTree(text(answer)).get("error").asText();
        assertTrue(error.contains("no version 'latest'"), error);
    }

    /** The record's {@code ARRAY<FLOAT>}: the row's four measurements as float32, in the input's column order. */
    private static float[] features(JsonNode row) {
        float[] values = new float[COLUMNS.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) row.get("inputs").get(COLUMNS.get(i)).asDouble();
        }
        return values;
    }

    /**
     * The body as {@code TritonInferenceModelFunction.buildInferenceRequest} builds it for an {@code ARRAY<FLOAT>}
     * input column and one output column, with none of {@code sequence-id}, {@code priority}, {@code sequence-start},
     * {@code sequence-end} or {@code flatten-batch-dim} set: the same nodes, added in the same order, written by the
     * same {@code writeValueAsString}.
     */
    private static String requestBody(String inputColumn, float[] values, String outputColumn) {
        ObjectNode request = JACKSON.createObjectNode();
        ArrayNode inputs = JACKSON.createArrayNode();
        ObjectNode input = JACKSON.createObjectNode();
        input.put("name", inputColumn.toUpperCase());
        input.put("datatype", "FP32");
        ArrayNode data = JACKSON.createArrayNode();
        for (float value : values) {
            data.add(value);
        }
        ArrayNode shape = JACKSON.createArrayNode();
        shape.add(1);
        shape.add(values.length);
        input.set("shape", shape);
        input.set("data", data);
        inputs.add(input);
        request.set("inputs", inputs);
        ArrayNode outputs = JACKSON.createArrayNode();
        ObjectNode output = JACKSON.createObjectNode();
        output.put("name", outputColumn.toUpperCase());
        outputs.add(output);
        request.set("outputs", outputs);
        try {
            return JACKSON.writeValueAsString(request);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String call(String body, Map<String, String> headers) throws Exception {
        HttpResponse<byte[]> answer = send(body.getBytes(StandardCharsets.UTF_8), headers);
        assertEquals(200, answer.statusCode(), text(answer));
        return text(answer);
    }

    private static HttpResponse<byte[]> send(byte[] body, Map<String, String> headers) throws Exception {
        return send(body, headers, version);
    }

    /** POSTs to the URL {@code TritonUtils.buildInferenceUrl} makes, with OkHttp's headers and the provider's. */
    private static HttpResponse<byte[]> send(byte[] body, Map<String, String> headers, String modelVersion)
            throws Exception {
        String url = endpoint + "/v2/models/" + name + "/versions/" + modelVersion + "/infer";
        HttpRequest.Builder request = HttpRequest.newBuilder(java.net.URI.create(url))
                .header("Content-Type", "application/json; charset=utf-8")
                .header("Accept-Encoding", "gzip")
                .header("User-Agent", "okhttp/4.12.0")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** The answer's text, inflated when it came gzipped (OkHttp inflates what it asked gzipped, unseen). */
    private static String text(HttpResponse<byte[]> answer) throws IOException {
        InputStream in = new ByteArrayInputStream(answer.body());
        if (answer.headers().firstValue("Content-Encoding").orElse("").equalsIgnoreCase("gzip")) {
            in = new GZIPInputStream(in);
        }
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    /**
     * The answer as {@code parseInferenceResponse} reads it: a result row for each output whose data is a non-empty
     * array; a scalar STRING column takes {@code data[0].asText()}, an {@code ARRAY<FLOAT>} each value's
     * {@code floatValue()}.
     */
    private static List<Object> parseAsTheProviderDoes(String body, boolean arrayColumn) throws IOException {
        List<Object> results = new ArrayList<>();
        JsonNode outputs = JACKSON.readTree(body).get("outputs");
        if (outputs != null && outputs.isArray()) {
            for (JsonNode output : outputs) {
                JsonNode data = output.get("data");
                if (data != null && data.isArray() && data.size() > 0) {
                    if (arrayColumn) {
                        float[] values = new float[data.size()];
                        for (int i = 0; i < values.length; i++) {
                            values[i] = data.get(i).isNumber()
                                    ? data.get(i).floatValue()
                                    : (float) data.get(i).asDouble();
                        }
                        results.add(values);
                    } else {
                        results.add(data.get(0).asText());
                    }
                }
            }
        }
        return results;
    }
}
