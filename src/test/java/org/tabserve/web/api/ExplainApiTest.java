package org.tabserve.web.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
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
import org.tabserve.testing.CostlyExplanations;
import org.tabserve.testing.Http;
import org.tabserve.testing.ModelDirectory;
import org.tabserve.testing.Multipart;

/**
 * {@code POST /api/predict} explains its answers only when asked ({@code "explain": true} in the body, or
 * {@code ?explain=true}), one row or a batch, in the model's own columns, for models carded by the real {@code card}
 * command (the bank-note model, the penguins species classifier with text inputs, the body-mass regressor): base value
 * plus contributions is the answer's own probability or value. A model whose card has no background sample (the
 * bundled model as shipped) and a bad {@code explain} value are 400s naming {@code explain}.
 */
class ExplainApiTest {

    private static final String NOTE = ModelDirectory.NOTE;
    private static final long WIDE_ROW_COST = CostlyExplanations.ROW_COST;
    private static final String FORGED =
            "{\"variance\": -1.3971, \"skewness\": 3.3191, \"curtosis\": -1.3927," + " \"entropy\": -1.9948}";

    @TempDir
    static Path dir;

    static TabserveServer server;
    static Http http;

    @BeforeAll
    static void start() throws Exception {
        Path models = Files.createDirectory(dir.resolve("models"));
        Path cards = Files.createDirectory(dir.resolve("cards"));
        FixtureCards.banknote(models);
        Files.copy(FixtureCards.card(cards, "species-zipmap", "species"), models.resolve("species.onnx"));
        Files.copy(FixtureCards.card(cards, "body-mass-regressor", "body_mass_g"), models.resolve("mass.onnx"));
        Files.copy(Path.of("model.onnx"), models.resolve("plain.onnx"));
        CostlyExplanations.card(models.resolve("wide10.onnx"));
        Path wide = Path.of("src/test/resources/org/tabserve/fixtures/wide");
        FixtureCards.card(
                wide.resolve("wide-69.onnx"),
                wide.resolve("wide-69.labelled.csv"),
                "label",
                models.resolve("wide69.onnx"));
        // One explanation thread and one place in its queue, so that the third request at once is refused; the
        // limit lets 100 rows of the 10-column model be explained by coalitions (10.2 M model rows, seconds of CPU).
        server = TabserveServer.startReady(
                Map.of(
                        "TABSERVE_EXPLAIN_THREADS",
                        "1",
                        "TABSERVE_EXPLAIN_QUEUE",
                        "1",
                        "TABSERVE_MAX_EXPLAIN_MODEL_ROWS",
                        "11000000",
                        "TABSERVE_EXPLAIN_STRUCTURE",
                        "false"),
                "--models",
                models.toString(),
                "--default-model",
                "banknote");
        http = new Http(server);
        ModelDirectory.awaitReady(http, 6);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void oneRowAskedInTheBodyIsExplainedInTheModelsColumnsAndAddsUpToItsProbability() {
        JsonNode answer =
                http.postJson("/api/predict", withExplain(NOTE, "true")).json();
        JsonNode explanation = answer.path("explanation");
        assertEquals("exact", explanation.path("method").asText(), answer::toString);
        assertEquals(answer.path("label").asText(), explanation.path("class").asText());
        assertEquals(List.of("variance", "skewness", "curtosis", "entropy"), names(explanation.path("contributions")));
        assertEquals(100, explanation.path("background_rows").asInt());
        assertAddsUpTo(
                answer.path("probabilities").path(answer.path("label").asText()).asDouble(), explanation);
        assertTrue(explanation.path("contributions").path("variance").asDouble() != 0, explanation::toString);
    }

    @Test
    void theQueryParameterAsksTheSameOnEveryModelRoute() {
        JsonNode inBody =
                http.postJson("/api/predict", withExplain(NOTE, "true")).json().path("explanation");
        JsonNode inQuery =
                http.postJson("/api/predict?explain=true", NOTE).json().path("explanation");
        assertEquals(inBody, inQuery);
        JsonNode named = http.postJson("/models/banknote/api/predict?explain=true", NOTE)
                .json()
                .path("explanation");
        assertEquals(inBody, named);
    }

    @Test
    void aBatchHasEachRowExplainedAndInstancesAreStillRead() {
        JsonNode answer = http.postJson(
                        "/api/predict", "{\"explain\": true, \"instances\": [" + NOTE + ", " + FORGED + "]}")
                .json();
        JsonNode predictions = answer.path("predictions");
        assertEquals(2, predictions.size(), answer::toString);
        assertFalse(answer.has("warnings"), "explain is not taken for a feature: " + answer);
        List<String> labels = new ArrayList<>();
        for (JsonNode prediction : predictions) {
            String label = prediction.path("label").asText();
            labels.add(label);
            assertEquals(label, prediction.path("explanation").path("class").asText());
            assertAddsUpTo(prediction.path("probabilities").path(label).asDouble(), prediction.path("explanation"));
        }
        assertEquals(List.of("0", "1"), labels);
        JsonNode alone =
                http.postJson("/api/predict?explain=true", FORGED).json().path("explanation");
        assertEquals(alone, predictions.get(1).path("explanation"), "a row is explained alike alone or in a batch");
    }

    /** MLflow's params reach a model's predict: "explain": true there explains each row, as /api/predict does. */
    @Test
    void mlflowsParamsAskForExplanationsOfEachRowInTheAnswersOrder() {
        JsonNode answer = http.postJson(
                        "/invocations?on_error=row",
                        "{\"dataframe_records\": [" + NOTE + ", {\"variance\": \"x\"}, " + FORGED
                                + "], \"params\": {\"explain\": true}}")
                .json();
        JsonNode explanations = answer.path("explanations");
        assertEquals(3, explanations.size(), answer::toString);
        assertEquals(http.postJson("/api/predict?explain=true", NOTE).json().path("explanation"), explanations.get(0));
        assertTrue(explanations.get(1).isNull(), "a bad row has no explanation: " + answer);
        assertEquals(
                http.postJson("/api/predict?explain=true", FORGED).json().path("explanation"), explanations.get(2));
        assertEquals(
                explanations.get(0),
                http.postJson("/invocations?explain=true", "{\"dataframe_records\": [" + NOTE + "]}")
                        .json()
                        .path("explanations")
                        .get(0),
                "the query parameter asks the same");

        JsonNode plain = http.postJson("/invocations", "{\"dataframe_records\": [" + NOTE + "]}")
                .json();
        assertFalse(plain.has("explanations"), "not asked, not computed: " + plain);
        assertEquals(
                List.of("params.explain"),
                http.postJson(
                                "/invocations",
                                "{\"dataframe_records\": [" + NOTE + "], \"params\": {\"explain\": \"yes\"}}")
                        .errorFields(400));
        assertEquals(
                List.of("explain"),
                http.post(
                                "/invocations?explain=true",
                                "text/csv",
                                "variance,skewness,curtosis,entropy\n1,2,3,4\n"
                                        .getBytes(java.nio.charset.StandardCharsets.UTF_8))
                        .errorFields(400),
                "explanations of a CSV body are refused, saying so");
    }

    /**
     * The Open Inference Protocol's request parameters ask too: three more outputs, each row's base value, what is
     * explained, and the contributions in the model's feature order, equal to /api/predict's explanation.
     */
    @Test
    void v2sRequestParameterAddsTheExplanationAsOutputTensors() throws Exception {
        String infer = "{\"inputs\": [{\"name\": \"input\", \"shape\": [2, 4], \"datatype\": \"FP32\", \"data\":"
                + " [3.6216, 8.6661, -2.8073, -0.44699, -1.3971, 3.3191, -1.3927, -1.9948]}], \"parameters\": {\"explain\": true}}";
        JsonNode answer = http.postJson("/v2/models/banknote/infer", infer).json();
        JsonNode outputs = answer.path("outputs");
        java.util.Map<String, JsonNode> byName = new java.util.HashMap<>();
        outputs.forEach(o -> byName.put(o.path("name").asText(), o));
        JsonNode contributions = byName.get("explanation_contributions");
        assertEquals(
                List.of(2, 4),
                List.of(
                        contributions.path("shape").get(0).asInt(),
                        contributions.path("shape").get(1).asInt()),
                answer::toString);
        List<String> rows = List.of(NOTE, FORGED);
        for (int r = 0; r < 2; r++) {
            JsonNode expected = http.postJson("/api/predict?explain=true", rows.get(r))
                    .json()
                    .path("explanation");
            assertEquals(
                    expected.path("base_value").asDouble(),
                    byName.get("explanation_base_value").path("data").get(r).asDouble(),
                    1e-12);
            assertEquals(
                    expected.path("output").asDouble(),
                    byName.get("explanation_output").path("data").get(r).asDouble(),
                    1e-6,
                    "the same probability, the same row as FP32");
            List<String> features = names(expected.path("contributions"));
            for (int f = 0; f < features.size(); f++) {
                assertEquals(
                        expected.path("contributions").path(features.get(f)).asDouble(),
                        contributions.path("data").get(r * 4 + f).asDouble(),
                        1e-6,
                        features.get(f));
            }
        }
        assertEquals(
                "probability",
                answer.path("parameters").path("explanation_explained").asText(),
                answer::toString);
        assertEquals(
                "exact", answer.path("parameters").path("explanation_method").asText(), answer::toString);
        JsonNode plain = http.postJson("/v2/models/banknote/infer", infer.replace("true", "false"))
                .json();
        assertEquals(2, plain.path("outputs").size(), "not asked, not computed: " + plain);
        assertFalse(plain.path("parameters").has("explanation_explained"), "nothing explained, nothing said: " + plain);
        assertFalse(plain.path("parameters").has("explanation_method"), "nothing explained, nothing said: " + plain);
        // v2 answers its errors as the protocol has them, {"error": "..."}
        Http.Response yes = http.postJson("/v2/models/banknote/infer", infer.replace("true", "\"yes\""));
        assertEquals(400, yes.status());
        assertTrue(
                Http.JSON
                        .readTree(yes.text())
                        .path("error")
                        .asText()
                        .contains("\"parameters\".\"explain\" must be true or false"),
                yes.text());
        Http.Response plainModel = http.postJson("/v2/models/plain/infer", infer);
        assertEquals(400, plainModel.status());
        assertTrue(
                Http.JSON.readTree(plainModel.text()).path("error").asText().contains("card command"),
                "a model whose card has no background sample says how to add one: " + plainModel.text());
    }

    @Test
    void aBatchAnsweredRowByRowExplainsItsGoodRows() {
        JsonNode answer = http.postJson(
                        "/api/predict?on_error=row&explain=true",
                        "{\"instances\": [" + NOTE + ", {\"variance\": \"x\"}]}")
                .json();
        JsonNode predictions = answer.path("predictions");
        assertEquals(
                "exact", predictions.get(0).path("explanation").path("method").asText(), answer::toString);
        assertTrue(predictions.get(1).has("errors"), answer::toString);
        assertFalse(predictions.get(1).has("explanation"), answer::toString);
    }

    @Test
    void nothingIsExplainedUnlessAsked() {
        for (JsonNode answer : List.of(
                http.postJson("/api/predict", NOTE).json(),
                http.postJson("/api/predict", withExplain(NOTE, "false")).json(),
                http.postJson("/api/predict?explain=false", NOTE).json(),
                http.postJson("/api/predict", "{\"instances\": [" + NOTE + "]}")
                        .json()
                        .path("predictions")
                        .get(0))) {
            assertFalse(answer.has("explanation"), answer::toString);
            assertTrue(answer.has("label"), answer::toString);
        }
    }

    @Test
    void textInputsAreExplainedAsTheirColumnsNotOneHotSlots() {
        JsonNode answer = http.postJson("/models/species/api/predict?explain=true", ModelDirectory.PENGUIN)
                .json();
        JsonNode explanation = answer.path("explanation");
        assertEquals(
                List.of("island", "bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g", "sex"),
                names(explanation.path("contributions")),
                answer::toString);
        assertEquals("Adelie", explanation.path("class").asText());
        assertAddsUpTo(answer.path("probabilities").path("Adelie").asDouble(), explanation);
    }

    @Test
    void aRegressorsValueIsExplained() {
        JsonNode answer = http.postJson("/models/mass/api/predict", withExplain(ModelDirectory.SPECIES_OF_MASS, "true"))
                .json();
        JsonNode explanation = answer.path("explanation");
        assertFalse(explanation.has("class"), explanation::toString);
        assertEquals("exact", explanation.path("method").asText());
        double value = answer.path("value").asDouble();
        assertAddsUpTo(value, explanation);
    }

    @Test
    void aModelWithoutABackgroundSampleSaysHowToAddOne() {
        Http.Response refused = http.postJson("/models/plain/api/predict?explain=true", NOTE);
        assertEquals(List.of("explain"), refused.errorFields(400));
        String message = refused.parse().path("errors").get(0).path("message").asText();
        assertTrue(message.contains("no background sample"), message);
        assertTrue(message.contains("java -jar tabserve.war card --model"), message);
        assertEquals(
                List.of("explain"),
                http.postJson("/models/plain/api/predict", withExplain(NOTE, "true"))
                        .errorFields(400));
        assertEquals(
                "0",
                http.postJson("/models/plain/api/predict", NOTE)
                        .json()
                        .path("label")
                        .asText(),
                "unasked, it answers as ever");
    }

    @Test
    void aBadExplainValueIsA400NamingIt() {
        for (String value : List.of("\"yes\"", "1", "null", "[true]")) {
            assertEquals(
                    List.of("explain"),
                    http.postJson("/api/predict", withExplain(NOTE, value)).errorFields(400),
                    value);
        }
        Http.Response query = http.postJson("/api/predict?explain=maybe", NOTE);
        assertEquals(List.of("explain"), query.errorFields(400));
        assertTrue(query.parse().path("errors").get(0).path("message").asText().contains("'maybe'"));
    }

    @Test
    void tooManyRowsToExplainIsA400NamingExplain() {
        String rows = String.join(", ", java.util.Collections.nCopies(101, NOTE));
        assertEquals(
                List.of("explain"),
                http.postJson("/api/predict?explain=true", "{\"instances\": [" + rows + "]}")
                        .errorFields(400));
    }

    /**
     * Issue 34, item 19: {@code /predict_file} reads {@code ?explain} by the one rule of the other routes, so a value
     * other than true or false is the same 400 naming {@code explain}, and refuses {@code ?explain=true} in words (an
     * upload's answers carry no explanations) instead of ignoring it; {@code ?explain=false} answers as ever.
     */
    @Test
    void anUploadReadsExplainByTheOneRuleAndRefusesToExplainInWords() {
        String csv = "variance,skewness,curtosis,entropy\n3.6,8.6,-2.8,-0.44\n";
        for (String value : List.of("yes", "maybe", "1")) {
            Http.Response upload = http.upload("/predict_file?explain=" + value, Multipart.csv(csv));
            assertEquals(List.of("explain"), upload.errorFields(400), value);
            assertEquals(
                    message(http.postJson("/api/predict?explain=" + value, NOTE)),
                    message(upload),
                    "the same words as /api/predict's for ?explain=" + value);
        }
        Http.Response asked = http.upload("/predict_file?explain=true", Multipart.csv(csv));
        assertEquals(List.of("explain"), asked.errorFields(400));
        assertTrue(message(asked).contains("an upload's answers carry no explanations"), message(asked));
        assertEquals(
                200,
                http.upload("/predict_file?explain=false", Multipart.csv(csv)).status());
    }

    /**
     * A model of more than 10 columns (the 69-column one, by coalitions here) is explained by sampling: the method
     * says so, each column has its standard error beside its contribution (standard_errors, whose largest is
     * standard_error), and the contributions still add up to the answer's probability.
     */
    @Test
    void aSampledExplanationSaysEachColumnsStandardErrorAndStillAddsUp() {
        StringBuilder row = new StringBuilder("{");
        for (int f = 0; f < 69; f++) {
            row.append(f == 0 ? "" : ", ")
                    .append("\"f")
                    .append(f)
                    .append("\": ")
                    .append(40 + (f * 7) % 30);
        }
        JsonNode answer = http.postJson(
                        "/models/wide69/api/predict?explain=true",
                        row.append("}").toString())
                .json();
        JsonNode explanation = answer.path("explanation");
        assertEquals("permutation", explanation.path("method").asText(), answer::toString);
        assertEquals("probability", explanation.path("explained").asText());
        List<String> columns = names(explanation.path("contributions"));
        assertEquals(69, columns.size());
        assertEquals(columns, names(explanation.path("standard_errors")));
        double largest = 0;
        for (JsonNode error : explanation.path("standard_errors")) {
            assertTrue(error.asDouble() >= 0 && Double.isFinite(error.asDouble()), explanation::toString);
            largest = Math.max(largest, error.asDouble());
        }
        assertTrue(largest > 0, explanation::toString);
        assertEquals(largest, explanation.path("standard_error").asDouble(), 0);
        assertTrue(explanation.path("permutations").asInt() >= 6, explanation::toString);
        assertAddsUpTo(
                answer.path("probabilities").path(answer.path("label").asText()).asDouble(), explanation);
        JsonNode exact = http.postJson("/api/predict?explain=true", NOTE).json().path("explanation");
        assertFalse(exact.has("standard_errors") || exact.has("standard_error"), "exact: no errors " + exact);
    }

    /**
     * Issue 38, goal 3: a served version's explainer is kept between requests, so its background's 100 rows are
     * answered on its first explanation only: every later one-row explanation of the bank note, on either route,
     * evaluates its own 1 + 14 &times; 100 model rows and no more (with a new explainer per request, 1,501 each).
     */
    @Test
    void aVersionsBackgroundIsAnsweredOnItsFirstExplanationNotOnEveryRequest() throws Exception {
        assertEquals(
                "exact",
                http.postJson("/api/predict?explain=true", NOTE)
                        .json()
                        .path("explanation")
                        .path("method")
                        .asText());
        double before = metric("tabserve_explanation_model_rows_total");
        JsonNode root = http.postJson("/api/predict?explain=true", NOTE).json().path("explanation");
        JsonNode named = http.postJson("/models/banknote/api/predict?explain=true", NOTE)
                .json()
                .path("explanation");
        assertEquals(root, named);
        assertEquals(2 * (1 + 14 * 100), metric("tabserve_explanation_model_rows_total") - before);
    }

    /**
     * Issue 34, item 6: an explanation stops when its client hangs up. 100 rows of the 10-column model (10.2 M model
     * rows) are asked for on a raw connection, which is closed once the explanation has started; the explanation is
     * then counted as cancelled, and the model rows it evaluated stop short of what it needed (before the fix it ran
     * to its end: the rows counter grew by all of them). The server answers as ever afterwards.
     */
    @Test
    void anExplanationStopsWhenItsClientHangsUp() throws Exception {
        double rowsBefore = metric("tabserve_explanation_model_rows_total");
        double cancelledBefore = metric("tabserve_explanations_total{outcome=\"cancelled\"}");
        try (Socket client = explainOnARawConnection(100)) {
            await(() -> metric("tabserve_explanation_model_rows_total") > rowsBefore, "the explanation to start");
        }
        await(
                () -> metric("tabserve_explanations_total{outcome=\"cancelled\"}") > cancelledBefore,
                "the explanation to be counted as cancelled");
        double evaluated = metric("tabserve_explanation_model_rows_total") - rowsBefore;
        assertTrue(
                evaluated < 100 * WIDE_ROW_COST,
                "stopped after " + evaluated + " of " + 100 * WIDE_ROW_COST + " model rows");
        assertEquals(
                "0",
                http.postJson("/api/predict?explain=true", NOTE)
                        .json()
                        .path("label")
                        .asText());
    }

    /**
     * Explanations have a thread of their own here and one place to wait: a third request's explanation at once is a
     * 503 with Retry-After naming the settings, counted as busy, and plain predictions are answered meanwhile; the
     * waiting one, whose client hangs up too, never starts.
     */
    @Test
    void explanationsPastTheirThreadsAndQueueAre503sAndPlainPredictionsGoOn() throws Exception {
        double rowsBefore = metric("tabserve_explanation_model_rows_total");
        double cancelledBefore = metric("tabserve_explanations_total{outcome=\"cancelled\"}");
        try (Socket running = explainOnARawConnection(100)) {
            await(() -> metric("tabserve_explanation_model_rows_total") > rowsBefore, "the first explanation to start");
            try (Socket waiting = explainOnARawConnection(100)) {
                await(() -> metric("tabserve_explanations_waiting") == 1, "the second explanation to wait");
                Http.Response busy = http.postJson("/api/predict?explain=true", NOTE);
                assertEquals(503, busy.status(), busy::text);
                assertTrue(busy.header("Retry-After").isPresent(), busy.headers()::toString);
                assertTrue(busy.text().contains("tabserve.explain-threads"), busy::text);
                assertEquals(
                        "0",
                        http.postJson("/api/predict", NOTE).json().path("label").asText(),
                        "a plain prediction needs no explanation thread");
            }
        }
        await(
                () -> metric("tabserve_explanations_total{outcome=\"cancelled\"}") >= cancelledBefore + 2,
                "both explanations to be counted as cancelled");
        assertEquals(0, metric("tabserve_explanations_waiting"));
        assertTrue(metric("tabserve_explanations_total{outcome=\"busy\"}") >= 1);
        double evaluated = metric("tabserve_explanation_model_rows_total") - rowsBefore;
        assertTrue(evaluated < 100 * WIDE_ROW_COST, "one stopped short and one never started: " + evaluated);
    }

    /** Sends {@code rows} rows of the 10-column model to be explained, on a connection the test closes when it likes. */
    private static Socket explainOnARawConnection(int rows) throws IOException {
        byte[] body = CostlyExplanations.json(rows).getBytes(StandardCharsets.UTF_8);
        java.net.URI uri = http.uri("/models/wide10/api/predict");
        Socket socket = new Socket(uri.getHost(), uri.getPort());
        OutputStream out = socket.getOutputStream();
        out.write(("POST " + uri.getPath() + " HTTP/1.1\r\nHost: " + uri.getHost()
                        + "\r\nContent-Type: application/json" + "\r\nContent-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        return socket;
    }

    private static double metric(String sample) throws Exception {
        return CostlyExplanations.metric(server, sample);
    }

    private static void await(java.util.concurrent.Callable<Boolean> condition, String what) throws Exception {
        CostlyExplanations.await(condition, what);
    }

    private static String message(Http.Response refused) {
        return refused.parse().path("errors").get(0).path("message").asText();
    }

    private static String withExplain(String row, String value) {
        return "{\"explain\": " + value + ", " + row.substring(1);
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    /** Base value plus contributions is the answer's output, which the explanation states too. */
    /** Asserts that the explanation's output is {@code output} and that base value plus contributions is too. */
    static void assertAddsUpTo(double output, JsonNode explanation) {
        double sum = explanation.path("base_value").asDouble();
        for (JsonNode contribution : explanation.path("contributions")) {
            sum += contribution.asDouble();
        }
        double tolerance = 1e-6 * Math.max(1, Math.abs(output));
        assertEquals(output, explanation.path("output").asDouble(), tolerance, explanation::toString);
        assertEquals(output, sum, tolerance, explanation::toString);
    }
}
