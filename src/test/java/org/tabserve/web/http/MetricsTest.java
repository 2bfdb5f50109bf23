package org.tabserve.web.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tabserve.testing.BankNotes;
import org.tabserve.testing.Http;
import org.tabserve.testing.Multipart;

/**
 * {@code GET /metrics} against the real WAR: after known traffic, each counter moved by exactly that much. Tests
 * read differences, so the order they run in and the other tests' traffic do not matter (each class starts its own
 * server and these tests run one after another).
 */
class MetricsTest {

    @RegisterExtension
    static final Http http = Http.startingTheApp();

    /** The label of the one model served: its name, from its card. */
    private static final String MODEL = "model=\"banknote-authenticator\"";

    /** The value of one sample, e.g. {@code tabserve_predictions_total{class="0"}}; 0 when absent. */
    private static double sample(String metrics, String name, String labels) {
        Pattern line = Pattern.compile(
                "^" + Pattern.quote(name + (labels.isEmpty() ? "" : "{" + labels + "}")) + " (\\S+)$",
                Pattern.MULTILINE);
        Matcher m = line.matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    private static String metrics() {
        Http.Response response = http.get("/metrics");
        assertEquals(200, response.status());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        return response.text();
    }

    private static BankNotes.Note firstOf(String label) {
        return BankNotes.all().stream()
                .filter(n -> n.label().equals(label))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void predictionsByClassRiseByExactlyTheNumberPredictedOnEveryRoute() {
        String before = metrics();
        BankNotes.Note genuine = firstOf("0");
        BankNotes.Note forged = firstOf("1");
        for (int i = 0; i < 3; i++) {
            assertEquals(
                    200,
                    http.postJson("/api/predict", genuine.json().toString()).status());
        }
        assertEquals(200, http.get("/predict?" + forged.query()).status());
        assertEquals(200, http.postForm("/", forged.query()).status());
        String batch = "{\"instances\": [" + genuine.json() + ", " + forged.json() + ", " + forged.json() + "]}";
        assertEquals(200, http.postJson("/api/predict", batch).status());
        String after = metrics();

        assertEquals(
                4,
                sample(after, "tabserve_predictions_total", "class=\"0\"," + MODEL)
                        - sample(before, "tabserve_predictions_total", "class=\"0\"," + MODEL),
                "3 single + 1 in the batch");
        assertEquals(
                4,
                sample(after, "tabserve_predictions_total", "class=\"1\"," + MODEL)
                        - sample(before, "tabserve_predictions_total", "class=\"1\"," + MODEL),
                "query + form + 2 in the batch");
        assertEquals(
                8,
                sample(after, "tabserve_rows_scored_total", MODEL)
                        - sample(before, "tabserve_rows_scored_total", MODEL));
    }

    @Test
    void rowsScoredRiseByTheRowsOfAnUploadedCsv() {
        List<BankNotes.Note> notes = BankNotes.all().subList(0, 25);
        StringBuilder csv = new StringBuilder(String.join(",", BankNotes.FEATURES)).append('\n');
        notes.forEach(n -> csv.append(String.join(",", n.text().values())).append('\n'));
        long genuine = notes.stream().filter(n -> n.label().equals("0")).count();
        String before = metrics();
        assertEquals(
                200, http.upload("/predict_file", Multipart.csv(csv.toString())).status());
        String after = metrics();
        assertEquals(
                25,
                sample(after, "tabserve_rows_scored_total", MODEL)
                        - sample(before, "tabserve_rows_scored_total", MODEL));
        assertEquals(
                genuine,
                sample(after, "tabserve_predictions_total", "class=\"0\"," + MODEL)
                        - sample(before, "tabserve_predictions_total", "class=\"0\"," + MODEL));
    }

    @Test
    void requestsAreCountedByRouteAndStatusWithTheMappingNotThePath() {
        String before = metrics();
        assertEquals(200, http.get("/v2/models/banknote-authenticator").status());
        assertEquals(200, http.get("/v2/models/banknote-authenticator/ready").status());
        assertEquals(
                400, http.postJson("/api/predict", "{\"variance\": \"high\"}").status());
        assertEquals(404, http.get("/no/such/page").status());
        String after = metrics();
        assertEquals(2, count(after, MODEL, "/v2/*", "GET", 200) - count(before, MODEL, "/v2/*", "GET", 200));
        assertEquals(
                1,
                count(after, MODEL, "/api/predict", "POST", 400) - count(before, MODEL, "/api/predict", "POST", 400));
        assertEquals(
                1,
                count(after, "model=\"\"", "default", "GET", 404) - count(before, "model=\"\"", "default", "GET", 404),
                "a request that used no model");
        assertTrue(
                !after.contains("route=\"/no/such/page\"") && !after.contains("banknote-authenticator/ready\""),
                "raw paths never become label values");
        String v2 = "method=\"GET\"," + MODEL + ",protocol=\"rest\",route=\"/v2/*\"";
        assertEquals(
                2,
                sample(after, "tabserve_http_request_duration_seconds_count", v2)
                        - sample(before, "tabserve_http_request_duration_seconds_count", v2),
                "each request is timed too");
    }

    private static double count(String metrics, String model, String route, String method, int status) {
        return sample(
                metrics,
                "tabserve_http_requests_total",
                "method=\"" + method + "\"," + model + ",protocol=\"rest\",route=\"" + route + "\",status=\"" + status
                        + "\"");
    }

    @Test
    void theModelsIdentityLoadTimeAndTheJvmAreExposed() {
        String metrics = metrics();
        String sha256 = http.get("/api/model").json().path("sha256").asText();
        assertEquals(
                1,
                sample(
                        metrics,
                        "tabserve_model_info",
                        MODEL + ",name=\"banknote-authenticator\",sha256=\"" + sha256 + "\",version=\"1\""),
                metrics);
        assertTrue(sample(metrics, "tabserve_model_load_seconds", MODEL) > 0);
        assertTrue(metrics.contains("\njvm_memory_used_bytes{"), "JVM metrics are there");
        assertTrue(metrics.contains("# TYPE tabserve_http_request_duration_seconds histogram"));
    }
}
