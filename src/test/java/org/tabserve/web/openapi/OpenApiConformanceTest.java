package org.tabserve.web.openapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tabserve.launcher.TabserveServer;

/**
 * Sends real requests to every documented route of the packaged WAR, successes and errors, and checks each answer
 * (and, for valid requests, the request too) against the OpenAPI document the server itself serves, so that the
 * document cannot drift from the code. The last check asserts that every documented operation was exercised.
 * {@link TypedOpenApiConformanceTest} does the same for typed models (text inputs, missing values, a regressor).
 */
class OpenApiConformanceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static TabserveServer server;
    private static OpenApiExchanges api;
    private static JsonNode document;
    private static String name;
    private static String version;
    private static String input;

    private static final String ROW = "{\"variance\": 3.6, \"skewness\": 8.6, \"curtosis\": -2.8, \"entropy\": -0.44}";

    @BeforeAll
    static void start() throws Exception {
        server = TabserveServer.startReady("--open-feedback"); // labels without a token, as the document says
        api = OpenApiExchanges.of(server);
        document = api.document();
        JsonNode model = JSON.readTree(HTTP.send(
                        HttpRequest.newBuilder(server.uri("/api/model")).build(), HttpResponse.BodyHandlers.ofString())
                .body());
        name = model.get("name").asText();
        version = model.get("version").asText();
        input = model.get("input").get("name").asText();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        server.close();
    }

    private static HttpResponse<String> exchange(
            String method,
            String pathAndQuery,
            String contentType,
            byte[] body,
            String accept,
            int status,
            boolean validRequest)
            throws Exception {
        return api.exchange(method, pathAndQuery, contentType, body, accept, status, validRequest);
    }

    private static HttpResponse<String> get(String path, int status) throws Exception {
        return exchange("GET", path, null, null, "application/json", status, true);
    }

    private static HttpResponse<String> postJson(String path, String json, int status, boolean valid) throws Exception {
        return exchange(
                "POST",
                path,
                "application/json",
                json.getBytes(StandardCharsets.UTF_8),
                "application/json",
                status,
                valid);
    }

    private static String tensor(String shape, String datatype, String data) {
        return "{\"id\": \"7\", \"inputs\": [{\"name\": \"" + input + "\", \"shape\": " + shape + ", \"datatype\": \""
                + datatype + "\", \"data\": " + data + "}]}";
    }

    @Test
    void predictApiSingleRowBatchAndErrorsConform() throws Exception {
        postJson("/api/predict", ROW, 200, true);
        postJson("/api/predict", "{\"instances\": [" + ROW + ", [1.0, -0.5, 2.0, -3.0]]}", 200, true);
        HttpResponse<String> invalid = postJson("/api/predict", "{\"variance\": \"x\"}", 400, false);
        assertTrue(invalid.body().contains("\"errors\""), "field problems are listed");
        postJson(
                "/api/predict",
                "{\"instances\": [" + ",[1,2,3,4]".repeat(10_001).substring(1) + "]}",
                413,
                false);
        exchange(
                "POST",
                "/api/predict",
                "text/plain",
                ROW.getBytes(StandardCharsets.UTF_8),
                "application/json",
                415,
                false);
    }

    @Test
    void feedbackConformsForOneLabelManyAndWrongOnes() throws Exception {
        String id = postJson("/api/predict", ROW, 200, true)
                .headers()
                .firstValue("X-Request-Id")
                .orElseThrow();
        postJson("/api/feedback", "{\"request_id\": \"" + id + "\", \"label\": \"0\"}", 200, true);
        postJson(
                "/api/feedback",
                "[{\"request_id\": \"" + id + "\", \"row\": 0, \"label\": \"1\"},"
                        + " {\"request_id\": \"never\", \"label\": \"1\"}]",
                200,
                true);
        // "forged" is class 1's name on the card, taken as the class (issue 51); a word naming no class is refused.
        postJson("/api/feedback", "{\"request_id\": \"" + id + "\", \"label\": \"forged\"}", 200, true);
        postJson("/api/feedback", "{\"request_id\": \"" + id + "\", \"label\": \"counterfeit\"}", 400, false);
        exchange(
                "POST",
                "/api/feedback",
                "text/plain",
                "{}".getBytes(StandardCharsets.UTF_8),
                "application/json",
                415,
                false);
    }

    @Test
    void modelAndHealthRoutesConform() throws Exception {
        get("/api/model", 200);
        get("/health/live", 200);
        get("/health/ready", 200);
    }

    @Test
    void queryRouteConforms() throws Exception {
        get("/predict?variance=-3&skewness=2&curtosis=1&entropy=0.5", 200);
        exchange(
                "GET",
                "/predict?variance=x&skewness=2&curtosis=1&entropy=0.5",
                null,
                null,
                "application/json",
                400,
                false);
        postJson("/predict", ROW, 200, true);
        postJson("/predict", "{\"instances\": [" + ROW + ", [1.0, -0.5, 2.0, -3.0]]}", 200, true);
        postJson("/predict", "{\"variance\": \"x\"}", 400, false);
        exchange(
                "POST", "/predict", "text/plain", ROW.getBytes(StandardCharsets.UTF_8), "application/json", 415, false);
    }

    @Test
    void fileRouteConformsInJsonAndCsvAndOnErrors() throws Exception {
        String boundary = "tabserve-boundary";
        String csv = "variance,skewness,curtosis,entropy\n3.6,8.6,-2.8,-0.44\n-1.4,3.3,-1.4,-2.0\n";
        byte[] body = multipart(boundary, csv);
        String type = "multipart/form-data; boundary=" + boundary;
        exchange("POST", "/predict_file", type, body, "application/json", 200, false);
        HttpResponse<String> asCsv = exchange("POST", "/predict_file", type, body, "text/csv", 200, false);
        assertTrue(asCsv.body().startsWith("variance,skewness,curtosis,entropy,label,"), asCsv.body());
        HttpResponse<String> page = exchange("POST", "/predict_file?format=html", type, body, "text/html", 200, false);
        assertTrue(page.body().contains("2 rows"), page.body());
        HttpResponse<String> byQuery =
                exchange("POST", "/predict_file?format=csv", type, body, "application/json", 200, false);
        assertTrue(byQuery.body().startsWith("variance,skewness,curtosis,entropy,label,"), byQuery.body());
        exchange("POST", "/predict_file", type, multipart(boundary, "variance\n1\n"), "application/json", 400, false);
        exchange(
                "POST",
                "/predict_file",
                "application/json",
                "{}".getBytes(StandardCharsets.UTF_8),
                "application/json",
                415,
                false);
    }

    private static byte[] multipart(String boundary, String csv) {
        return ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"notes.csv\"\r\n"
                        + "Content-Type: text/csv\r\n\r\n" + csv + "\r\n--" + boundary + "--\r\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void v2ServerRoutesConform() throws Exception {
        get("/v2", 200);
        get("/v2/health/live", 200);
        get("/v2/health/ready", 200);
    }

    @Test
    void v2ModelRoutesConformForTheModelItsVersionAndUnknownOnes() throws Exception {
        for (String base : List.of("/v2/models/" + name, "/v2/models/" + name + "/versions/" + version)) {
            get(base, 200);
            get(base + "/ready", 200);
            get(base + "/stats", 200);
        }
        get("/v2/models/stats", 200);
        exchange("GET", "/v2/models/nope/stats", null, null, "application/json", 404, false);
        exchange("GET", "/v2/models/nope", null, null, "application/json", 404, false);
        exchange("GET", "/v2/models/nope/ready", null, null, "application/json", 404, false);
        exchange("GET", "/v2/models/" + name + "/versions/999", null, null, "application/json", 404, false);
        exchange("GET", "/v2/models/" + name + "/versions/999/ready", null, null, "application/json", 404, false);
    }

    @Test
    void v2InferConformsOnSuccessAndEveryDocumentedError() throws Exception {
        for (String base : List.of("/v2/models/" + name, "/v2/models/" + name + "/versions/" + version)) {
            postJson(base + "/infer", tensor("[2, 4]", "FP32", "[[1, 2, 3, 4], [3.6, 8.6, -2.8, -0.44]]"), 200, true);
            postJson(
                    base + "/infer",
                    tensor("[1, 4]", "FP32", "[1, 2, 3, 4]")
                            .replace("]}]}", "]}], \"outputs\": [{\"name\": \"label\"}]}"),
                    200,
                    true);
            postJson(base + "/infer", tensor("[2, 4]", "FP32", "[1, 2, 3, 4]"), 400, false);
            postJson(
                    base + "/infer",
                    tensor("[10001, 4]", "FP32", "[" + ",1".repeat(40_004).substring(1) + "]"),
                    413,
                    false);
            exchange(
                    "POST",
                    base + "/infer",
                    "text/plain",
                    "{}".getBytes(StandardCharsets.UTF_8),
                    "application/json",
                    415,
                    false);
        }
        postJson("/v2/models/nope/infer", tensor("[1, 4]", "FP32", "[1, 2, 3, 4]"), 404, false);
        postJson("/v2/models/" + name + "/versions/999/infer", tensor("[1, 4]", "FP32", "[1, 2, 3, 4]"), 404, false);
    }

    @Test
    void mlflowRoutesConformInEveryLayoutAndOnErrors() throws Exception {
        String columns = "[\"variance\", \"skewness\", \"curtosis\", \"entropy\"]";
        postJson(
                "/invocations",
                "{\"dataframe_split\": {\"columns\": " + columns + ", \"index\": [0, 1], "
                        + "\"data\": [[3.6, 8.6, -2.8, -0.44], [-1.4, 3.3, -1.4, -2.0]]}}",
                200,
                true);
        postJson("/invocations", "{\"dataframe_records\": [" + ROW + "]}", 200, true);
        postJson("/invocations", "{\"instances\": [" + ROW + ", [1.0, -0.5, 2.0, -3.0]], \"params\": {}}", 200, true);
        postJson(
                "/invocations",
                "{\"inputs\": {\"variance\": [3.6], \"skewness\": [8.6], \"curtosis\": [-2.8], "
                        + "\"entropy\": [-0.44]}}",
                200,
                true);
        exchange(
                "POST",
                "/invocations",
                "text/csv",
                "variance,skewness,curtosis,entropy\n3.6,8.6,-2.8,-0.44\n".getBytes(StandardCharsets.UTF_8),
                "application/json",
                200,
                true);
        postJson("/invocations", "{\"instances\": [[1, 2]], \"inputs\": []}", 400, false);
        postJson(
                "/invocations",
                "{\"instances\": [" + ",[1,2,3,4]".repeat(10_001).substring(1) + "]}",
                413,
                false);
        exchange(
                "POST",
                "/invocations",
                "text/plain",
                ROW.getBytes(StandardCharsets.UTF_8),
                "application/json",
                415,
                false);
        exchange("GET", "/ping", null, null, "text/plain", 200, true);
        exchange("GET", "/health", null, null, "text/plain", 200, true);
        exchange("GET", "/version", null, null, "text/plain", 200, true);
    }

    @Test
    void theAdminRouteConformsWhenItIsOff() throws Exception {
        exchange(
                "POST",
                "/admin/model",
                "application/octet-stream",
                new byte[] {1, 2, 3},
                "application/json",
                404,
                true);
    }

    @Test
    void theRoutesOfManyModelsConformWithTheAdminRoutesOff() throws Exception {
        get("/api/models", 200);
        get("/models/" + name + "/openapi.json", 200);
        postJson("/v2/repository/index", "{}", 200, true);
        postJson("/v2/repository/index", "{\"ready\": true}", 200, true);
        postJson("/v2/repository/index", "{\"ready\": 1}", 400, false);
        exchange("POST", "/v2/repository/models/" + name + "/load", null, null, "application/json", 404, true);
        exchange("POST", "/v2/repository/models/" + name + "/unload", null, null, "application/json", 404, true);
        exchange(
                "PUT",
                "/admin/models/extra",
                "application/octet-stream",
                new byte[] {1, 2, 3},
                "application/json",
                404,
                true);
        get("/models/" + name + "/api/rollout", 200);
        get("/models/nosuch/api/rollout", 404);
        exchange(
                "PUT",
                "/admin/models/" + name + "/rollout",
                "application/json",
                "{\"canary\": {\"version\": 2, \"percent\": 10}}".getBytes(StandardCharsets.UTF_8),
                "application/json",
                404,
                true);
        exchange("POST", "/admin/models/" + name + "/rollout/promote", null, null, "application/json", 404, true);
        exchange("POST", "/admin/models/" + name + "/rollout/rollback", null, null, "application/json", 404, true);
        exchange("POST", "/admin/models/" + name + "/reload", null, null, "application/json", 404, true);
    }

    @Test
    void documentationRoutesConform() throws Exception {
        get("/openapi.json", 200);
        exchange("GET", "/openapi.yaml", null, null, "application/yaml", 200, true);
        exchange("GET", "/apidocs", null, null, "text/html", 200, true);
        exchange("GET", "/clients/tabserve_client.py", null, null, "text/x-python", 200, true);
    }

    @Test
    void metricsRouteConforms() throws Exception {
        HttpResponse<String> metrics = exchange("GET", "/metrics", null, null, "text/plain", 200, true);
        assertTrue(metrics.body().contains("tabserve_http_requests_total"), metrics.body());
    }

    @Test
    void theDocumentNamesTheServedModelsFeaturesAndClasses() {
        JsonNode features = document.at("/components/schemas/Features/properties");
        assertEquals(Set.of("variance", "skewness", "curtosis", "entropy"), names(features));
        assertEquals(Set.of("0", "1"), names(document.at("/components/schemas/Probabilities/properties")));
        assertEquals(4, document.at("/paths/~1predict/get/parameters").size());
        assertEquals("3.0.3", document.get("openapi").asText());
    }

    private static Set<String> names(JsonNode object) {
        Set<String> names = new TreeSet<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @AfterAll
    static void everyDocumentedOperationWasExercised() {
        List<String> missing = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = document.get("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            Pattern template = Pattern.compile(path.getKey().replaceAll("\\{[^}]+}", "[^/]+"));
            path.getValue().fieldNames().forEachRemaining(method -> {
                String verb = method.toUpperCase(java.util.Locale.ROOT);
                boolean hit = api.exercised.stream()
                        .anyMatch(e -> e.startsWith(verb + " ")
                                && template.matcher(e.substring(verb.length() + 1))
                                        .matches());
                if (!hit) {
                    missing.add(verb + " " + path.getKey());
                }
            });
        }
        assertEquals(List.of(), missing, "documented operations no test exercised");
    }
}
