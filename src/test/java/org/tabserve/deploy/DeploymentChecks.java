package org.tabserve.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The end-to-end checks every deployment of the WAR must pass, whoever runs it: embedded Jetty, the Jetty base the
 * Docker image builds, Tomcat. A subclass starts its server once and says where it listens.
 */
abstract class DeploymentChecks {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** A genuine note from the data set: the bundled model says label "0". */
    static final String GENUINE_ROW = "{\"variance\": 3.6216, \"skewness\": 8.6661, \"curtosis\": -2.8073, \"entropy\": -0.44699}";

    /** @return the base URI of the deployed app, ending in {@code /} */
    abstract URI base();

    @Test
    void reportsReadyWithTheBundledModel() throws Exception {
        HttpResponse<String> response = get("/health/ready");
        assertEquals(200, response.statusCode(), response.body());
        JsonNode body = JSON.readTree(response.body());
        assertEquals("ready", body.path("status").asText());
        assertEquals("banknote-authenticator", body.path("model").asText());
    }

    @Test
    void predictsTheKnownGenuineNoteAsLabelZero() throws Exception {
        HttpResponse<String> response = postJson("/api/predict", GENUINE_ROW);
        assertEquals(200, response.statusCode(), response.body());
        JsonNode body = JSON.readTree(response.body());
        assertEquals("0", body.path("label").asText());
        assertTrue(body.path("probabilities").path("0").asDouble() > 0.9, response.body());
    }

    @Test
    void predictsABatchOfObjectAndArrayRowsInOrder() throws Exception {
        HttpResponse<String> response = postJson("/api/predict",
                "{\"instances\": [" + GENUINE_ROW + ", [-3.0, 2.0, 1.0, 0.5], " + GENUINE_ROW + "]}");
        assertEquals(200, response.statusCode(), response.body());
        JsonNode predictions = JSON.readTree(response.body()).path("predictions");
        assertEquals(3, predictions.size(), response.body());
        assertEquals("0", predictions.get(0).path("label").asText());
        assertEquals("0", predictions.get(2).path("label").asText());
    }

    @Test
    void predictsEveryRowOfAnUploadedCsv() throws Exception {
        String csv = "variance,skewness,curtosis,entropy,id\r\n3.6216,8.6661,-2.8073,-0.44699,a\r\n"
                + "-1.3971,3.3191,-1.3927,-1.9948,b\r\n";
        String boundary = "tabserve-" + System.nanoTime();
        String multipart = "--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"file\"; filename=\"rows.csv\"\r\n"
                + "Content-Type: text/csv\r\n\r\n" + csv + "\r\n--" + boundary + "--\r\n";
        HttpRequest request = HttpRequest.newBuilder(uri("/predict_file"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(multipart, StandardCharsets.UTF_8)).build();
        HttpResponse<String> response = send(request);
        assertEquals(200, response.statusCode(), response.body());
        JsonNode predictions = JSON.readTree(response.body()).path("predictions");
        assertEquals(2, predictions.size(), response.body());
        assertEquals("0", predictions.get(0).path("label").asText());
    }

    @Test
    void describesTheModelsFeaturesAndClasses() throws Exception {
        HttpResponse<String> response = get("/api/model");
        assertEquals(200, response.statusCode(), response.body());
        JsonNode body = JSON.readTree(response.body());
        assertEquals("banknote-authenticator", body.path("name").asText());
        List<String> features = new ArrayList<>();
        body.path("input").path("features").forEach(f -> features.add(f.path("name").asText()));
        assertEquals(List.of("curtosis", "entropy", "skewness", "variance"), features.stream().sorted().toList());
        assertEquals(2, body.path("classes").size());
    }

    @Test
    void answersAFieldErrorWith400ProblemJson() throws Exception {
        HttpResponse<String> response = postJson("/api/predict",
                "{\"variance\": \"lots\", \"skewness\": 8.6661, \"curtosis\": -2.8073, \"entropy\": -0.44699}");
        assertEquals(400, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"),
                response.headers().map().toString());
        JsonNode body = JSON.readTree(response.body());
        assertEquals(400, body.path("status").asInt());
        assertEquals("variance", body.path("errors").get(0).path("field").asText(), response.body());
    }

    @Test
    void answersAnUnknownRouteWith404() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/no/such/route"))
                .header("Accept", "application/json").GET().build());
        assertEquals(404, response.statusCode(), response.body());
        assertFalse(response.body().contains("Exception"), response.body());
    }

    @Test
    void doesNotServeTheLauncherOrItsJars() throws Exception {
        for (String path : List.of("/org/tabserve/launcher/Main.class", "/WEB-INF/lib-jetty/tabserve-launcher.jar",
                "/WEB-INF/lib-jetty/", "/META-INF/MANIFEST.MF", "/WEB-INF/web.xml")) {
            HttpResponse<byte[]> response = HTTP.send(HttpRequest.newBuilder(uri(path)).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertNotEquals(200, response.statusCode(), path + " was served");
            byte[] body = response.body();
            assertFalse(body.length >= 4 && (body[0] & 0xff) == 0xCA && (body[1] & 0xff) == 0xFE, path + " sent a class");
            assertFalse(body.length >= 2 && body[0] == 'P' && body[1] == 'K', path + " sent a jar");
        }
    }

    URI uri(String path) {
        return base().resolve(path.substring(1));
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).GET().build());
    }

    HttpResponse<String> postJson(String path, String json) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)).build());
    }

    static HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }
}
