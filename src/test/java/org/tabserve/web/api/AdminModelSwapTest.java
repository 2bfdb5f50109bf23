package org.tabserve.web.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tabserve.testing.Await;
import org.tabserve.testing.BankNotes;
import org.tabserve.testing.Http;
import org.tabserve.testing.Multipart;

/**
 * {@code POST /admin/model} against the real WAR started with an admin token: only the token opens it, a bad or
 * incompatible model is refused while the old one keeps serving, and ten swaps under continuous load fail no request.
 */
class AdminModelSwapTest {

    private static final String TOKEN = "test-admin-token-0123456789abcdef";
    private static final String OCTETS = "application/octet-stream";
    private static final String VALID =
            "{\"variance\": 3.6, \"skewness\": 8.6, \"curtosis\": -2.8, \"entropy\": -0.44}";

    @RegisterExtension
    static final Http http = Http.startingTheApp(Map.of("TABSERVE_ADMIN_TOKEN", TOKEN));

    private static byte[] version(int version) {
        return BankNotes.modelWith(Map.of("tabserve.version", Integer.toString(version)));
    }

    private static Http.Response swap(Http client, byte[] model) {
        return client.post("/admin/model", OCTETS, model, "Authorization", "Bearer " + TOKEN);
    }

    private static String servedSha() {
        return http.get("/health/ready").json().path("sha256").asText();
    }

    @Test
    void withoutABearerTokenTheRouteAnswers401AndLogsIt() {
        Http.Response response = http.post("/admin/model", OCTETS, version(7));
        response.problem(401);
        assertTrue(response.header("WWW-Authenticate").orElse("").startsWith("Bearer"), response.headers()::toString);
        assertTrue(http.post("/admin/model", OCTETS, version(7), "Authorization", "Basic dXNlcjpwYXNz")
                        .status()
                == 401);
        assertTrue(http.server().output().stream().anyMatch(l -> l.contains("no bearer token")), "logged");
    }

    /** The value of one sample of {@code /metrics}, 0 when it has none yet. */
    private static double metric(String sample) {
        return http.get("/metrics")
                .text()
                .lines()
                .filter(l -> l.startsWith(sample + " "))
                .findFirst()
                .map(l -> Double.parseDouble(l.substring(sample.length() + 1)))
                .orElse(0.0);
    }

    private static long logLines(String text) {
        return http.server().output().stream().filter(l -> l.contains(text)).count();
    }

    @Test
    void aFloodOfRefusedTokensIsCountedInFullAndLoggedOnceAMinute() {
        String wrong = "tabserve_admin_refused_total{reason=\"wrong_token\"}";
        String none = "tabserve_admin_refused_total{reason=\"no_token\"}";
        double wrongBefore = metric(wrong);
        double noneBefore = metric(none);
        byte[] body = {1, 2, 3};
        for (int i = 0; i < 600; i++) {
            assertEquals(
                    403,
                    http.post("/admin/model", OCTETS, body, "Authorization", "Bearer guess-" + i)
                            .status());
            assertEquals(401, http.post("/admin/model", OCTETS, body).status());
        }
        assertEquals(600, metric(wrong) - wrongBefore, "every refused token is counted");
        assertEquals(600, metric(none) - noneBefore, "every request without a token is counted");
        // The first of a kind is logged at once; within a minute at most one more line (the suite may cross one).
        assertTrue(logLines("wrong admin token") <= 2, () -> logLines("wrong admin token") + " lines");
        assertTrue(logLines("no bearer token") <= 2, () -> logLines("no bearer token") + " lines");
    }

    @Test
    void aWrongTokenIs403AndLoggedAndChangesNothing() {
        String before = servedSha();
        http.post("/admin/model", OCTETS, version(8), "Authorization", "Bearer " + TOKEN + "x")
                .problem(403);
        http.post("/admin/model", OCTETS, version(8), "Authorization", "Bearer " + TOKEN.substring(1))
                .problem(403);
        assertEquals(before, servedSha());
        assertTrue(http.server().output().stream().anyMatch(l -> l.contains("wrong admin token")), "logged");
        assertTrue(
                http.server().output().stream().noneMatch(l -> l.contains(TOKEN.substring(5))),
                "the token is never logged");
    }

    @Test
    void aFileThatIsNotAModelIsRefusedWith422AndTheOldModelKeepsServing() {
        String before = servedSha();
        JsonNode problem = swap(http, "not a model at all".getBytes()).problem(422);
        assertTrue(problem.path("detail").asText().contains("the old one still serves"), problem::toString);
        assertTrue(problem.path("detail").asText().contains("not a valid ONNX model"), problem::toString);
        assertEquals(before, servedSha());
        assertEquals(
                "0", http.postJson("/api/predict", VALID).json().path("label").asText());
    }

    @Test
    void aModelWithOtherFeaturesOrClassesIsRefusedWith422AndTheOldModelKeepsServing() {
        String before = servedSha();
        JsonNode features = swap(
                        http,
                        BankNotes.modelWith(
                                Map.of("tabserve.features", "[\"entropy\",\"curtosis\",\"skewness\",\"variance\"]")))
                .problem(422);
        assertTrue(features.path("detail").asText().contains("same names, same order required"), features::toString);
        JsonNode classes = swap(http, BankNotes.modelWith(Map.of("tabserve.classes", "[\"1\",\"0\"]")))
                .problem(422);
        assertTrue(classes.path("detail").asText().contains("gives the classes [1, 0]"), classes::toString);
        assertEquals(before, servedSha());
    }

    @Test
    void aModelWhoseCardNamesNoVersionIsAnsweredAsTheServedDocumentSays() {
        byte[] versionless;
        try {
            ai.onnx.proto.OnnxMl.ModelProto proto =
                    ai.onnx.proto.OnnxMl.ModelProto.parseFrom(BankNotes.modelWith(Map.of("tabserve.version", "")));
            versionless = proto.toBuilder().clearModelVersion().build().toByteArray();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Http.Response response = swap(http, versionless);
        assertEquals(200, response.status(), response.text());
        assertTrue(response.json().path("version").isNull(), response.text());
        com.atlassian.oai.validator.report.ValidationReport report =
                com.atlassian.oai.validator.OpenApiInteractionValidator.createForInlineApiSpecification(
                                http.get("/openapi.json").text())
                        .build()
                        .validateResponse(
                                "/admin/model",
                                com.atlassian.oai.validator.model.Request.Method.POST,
                                com.atlassian.oai.validator.model.SimpleResponse.Builder.ok()
                                        .withContentType("application/json")
                                        .withBody(response.text())
                                        .build());
        assertTrue(
                !report.hasErrors(),
                () -> response.text() + " does not conform to /openapi.json: "
                        + com.atlassian.oai.validator.report.SimpleValidationReportFormat.getInstance()
                                .apply(report));
    }

    @Test
    void aModelInAnotherContentTypeIs415() {
        http.post("/admin/model", "application/json", version(9), "Authorization", "Bearer " + TOKEN)
                .problem(415);
    }

    @Test
    void tenSwapsUnderContinuousLoadFailNoRequestAndTheLastModelServes() throws Exception {
        AtomicBoolean swapping = new AtomicBoolean(true);
        AtomicInteger answered = new AtomicInteger();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        ExecutorService clients = Executors.newFixedThreadPool(6);
        List<Future<?>> load = new ArrayList<>();
        Multipart csv =
                Multipart.csv("variance,skewness,curtosis,entropy\n3.6,8.6,-2.8,-0.44\n" + "-3,2,1,0.5\n".repeat(2000));
        for (int t = 0; t < 6; t++) {
            int thread = t;
            Http client = http.fresh();
            load.add(clients.submit(() -> {
                while (swapping.get()) {
                    try {
                        Http.Response response = switch (thread % 3) {
                            case 0 -> client.postJson("/api/predict", VALID);
                            case 1 -> client.get("/predict?variance=3.6&skewness=8.6&curtosis=-2.8&entropy=-0.44");
                            default -> client.upload("/predict_file", csv);
                        };
                        if (response.status() != 200 || !response.text().contains("\"label\":\"0\"")) {
                            failures.add(response.request() + " → " + response.status() + " " + response.text());
                        }
                        answered.incrementAndGet();
                    } catch (RuntimeException e) {
                        failures.add(e.toString());
                    }
                }
            }));
        }
        List<String> swapped = new ArrayList<>();
        try {
            Await.until("the load to be answered", () -> answered.get() >= 6);
            for (int i = 1; i <= 10; i++) {
                int before = answered.get();
                Http.Response response = swap(http.fresh(), version(100 + i));
                JsonNode answer = response.json();
                assertEquals("swapped", answer.path("status").asText());
                assertEquals(Integer.toString(100 + i), answer.path("version").asText());
                swapped.add(answer.path("sha256").asText());
                Await.until("requests answered between the swaps", () -> answered.get() >= before + 6);
            }
        } finally {
            swapping.set(false);
            for (Future<?> f : load) {
                f.get(60, TimeUnit.SECONDS);
            }
            clients.shutdown();
        }
        assertTrue(
                failures.isEmpty(),
                failures.size() + " of " + answered.get() + " requests failed: "
                        + failures.stream().limit(5).toList());
        assertTrue(answered.get() > 50, "only " + answered.get() + " requests were made");
        assertEquals(10, swapped.stream().distinct().count());
        assertEquals(swapped.get(9), servedSha());
        assertEquals("110", http.get("/api/model").json().path("version").asText());
        assertNotEquals(-1, http.get("/openapi.json").text().indexOf("version 110"), "the document follows the model");
        String metrics = http.get("/metrics").text();
        List<String> info = metrics.lines()
                .filter(l -> l.startsWith("tabserve_model_info{"))
                .toList();
        assertEquals(1, info.size(), () -> "one served model in the metrics: " + info);
        assertTrue(
                info.get(0).contains("sha256=\"" + swapped.get(9) + "\"")
                        && info.get(0).contains("version=\"110\""),
                () -> "the model-info metric follows the swap: " + info);
        assertTrue(
                http.server().output().stream().noneMatch(l -> l.contains("SEVERE")),
                () -> "severe log lines: " + String.join("\n", http.server().output()));
    }
}
