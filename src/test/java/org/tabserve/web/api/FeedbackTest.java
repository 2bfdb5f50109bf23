package org.tabserve.web.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.cli.FixtureCards;
import org.tabserve.launcher.TabserveServer;
import org.tabserve.testing.Http;
import org.tabserve.testing.ModelDirectory;

/**
 * Labels sent later ({@code POST /api/feedback}) joined to the answers they name, on models carded by the real
 * {@code card} command: 1,000 answers of the penguins' sex classifier (about 92 % right; 100 single rows, one batch of
 * 900 addressed by {@code row}) labelled with scikit-learn's recorded truth give a {@code live_accuracy} equal to the
 * accuracy of those answers, and the estimate without labels ({@code estimated_accuracy}, from the card's calibration
 * curve) is within 0.05 of it, while bank-note rows moved towards the classes' boundary pull the estimate down; a regressor's {@code live_mae} is the mean error of its answers; ids no
 * answer had are counted, never refused, and labels of the wrong type, too many or too large a body are refused.
 */
class FeedbackTest {

    private static final List<String> FEATURES = List.of("variance", "skewness", "curtosis", "entropy");
    private static final String TOKEN = "feedback-test-token-0123456789abcdef";
    /** The rows answered one request each; the others are one batch. */
    private static final int SINGLE = 100;

    @TempDir
    static Path dir;

    static TabserveServer server;
    static Http http;
    /** 1,000 bank-note rows spread over the file (both classes), with their class last. */
    static List<double[]> rows;

    @BeforeAll
    static void start() throws Exception {
        Path models = Files.createDirectory(dir.resolve("models"));
        Path cards = Files.createDirectory(dir.resolve("cards"));
        Path banknote = FixtureCards.banknote(cards);
        for (String name : List.of("drifted", "hostile")) {
            Files.copy(banknote, models.resolve(name + ".onnx"));
        }
        Files.copy(FixtureCards.card(cards, "int64-column", "sex"), models.resolve("labelled.onnx"));
        Path mass = FixtureCards.card(cards, "body-mass-regressor", "body_mass_g");
        Files.copy(mass, models.resolve("mass.onnx"));
        Files.copy(mass, models.resolve("outliers.onnx"));
        server = TabserveServer.startReady(
                "--models", models.toString(), "--default-model", "labelled", "--feedback-token", TOKEN);
        http = new Http(server);
        ModelDirectory.awaitReady(http, 5);
        List<String> lines = Files.readAllLines(Path.of("data/BankNote_Authentication.csv"));
        rows = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            String[] cells = lines.get(1 + i * (lines.size() - 1) / 1000).split(",");
            double[] row = new double[5];
            for (int c = 0; c < 5; c++) {
                row[c] = Double.parseDouble(cells[c]);
            }
            rows.add(row);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private static String object(double[] row) {
        StringJoiner object = new StringJoiner(",", "{", "}");
        for (int f = 0; f < FEATURES.size(); f++) {
            object.add("\"" + FEATURES.get(f) + "\":" + row[f]);
        }
        return object.toString();
    }

    private static Http.Response post(String path, String body, String... headers) {
        return http.post(path, "application/json", body.getBytes(StandardCharsets.UTF_8), headers);
    }

    /** Posts labels to {@code path}, with the feedback token. */
    private static Http.Response feed(String path, String body) {
        return post(path, body, "Authorization", "Bearer " + TOKEN);
    }

    private static String label(String id, int row, String label) {
        return "{\"request_id\":\"" + id + "\",\"row\":" + row + ",\"label\":" + label + "}";
    }

    /**
     * Sends the rows (JSON objects) to {@code model}: {@link #SINGLE} alone, the rest in one batch; returns each row's
     * id, row and label.
     */
    private static List<String[]> answer(String model, List<String> sent) {
        List<String[]> answers = new ArrayList<>();
        for (int i = 0; i < SINGLE; i++) {
            Http.Response response = post("/models/" + model + "/api/predict", sent.get(i));
            assertEquals(200, response.status(), response::text);
            answers.add(new String[] {
                response.header("X-Request-Id").orElseThrow(),
                "0",
                response.json().path("label").asText()
            });
        }
        StringJoiner instances = new StringJoiner(",", "{\"instances\":[", "]}");
        sent.subList(SINGLE, sent.size()).forEach(instances::add);
        Http.Response batch =
                post("/models/" + model + "/api/predict", instances.toString(), "X-Request-Id", model + "-batch");
        assertEquals(model + "-batch", batch.header("X-Request-Id").orElseThrow(), "the caller's id is kept");
        JsonNode predictions = batch.json().path("predictions");
        for (int r = 0; r < predictions.size(); r++) {
            answers.add(new String[] {
                model + "-batch",
                Integer.toString(r),
                predictions.get(r).path("label").asText()
            });
        }
        return answers;
    }

    /** The fixture's labelled rows as JSON objects, each with its recorded target: {object, target}. */
    private static List<String[]> labelled(String fixture, String column) throws Exception {
        List<String> lines = Files.readAllLines(
                FixtureCards.labelled(Files.createDirectories(dir.resolve(fixture)), fixture, column));
        String[] header = lines.get(0).split(",");
        List<String[]> out = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",", -1);
            out.add(new String[] {FixtureCards.jsonObject(header, cells, header.length - 1), cells[header.length - 1]});
        }
        return out;
    }

    private static JsonNode entry(String model) {
        return ModelDirectory.entry(ModelDirectory.index(http), model, "1");
    }

    @Test
    void liveAccuracyIsTheAccuracyOfTheLabelledAnswersAndTheEstimateIsWithinFivePointsOfIt() throws Exception {
        List<String[]> penguins = labelled("int64-column", "sex");
        List<String> sent = new ArrayList<>();
        List<String> truths = new ArrayList<>();
        for (int i = 0; i < 1000; i++) { // the 333 rows, three times and one more
            sent.add(penguins.get(i % penguins.size())[0]);
            truths.add(penguins.get(i % penguins.size())[1]);
        }
        List<String[]> answers = answer("labelled", sent);
        StringJoiner labels = new StringJoiner(",", "[", "]");
        int right = 0;
        for (int i = 0; i < answers.size(); i++) {
            String truth = truths.get(i);
            right += answers.get(i)[2].equals(truth) ? 1 : 0;
            labels.add(label(answers.get(i)[0], Integer.parseInt(answers.get(i)[1]), "\"" + truth + "\""));
        }
        JsonNode fed = feed("/models/labelled/api/feedback", labels.toString()).json();
        assertEquals(1000, fed.path("received").asInt(), fed::toString);
        assertEquals(1000, fed.path("joined").asInt(), fed::toString);
        assertEquals(
                0,
                fed.path("unknown").asInt()
                        + fed.path("expired").asInt()
                        + fed.path("duplicates").asInt());
        double accuracy = right / 1000.0;
        assertTrue(accuracy > 0.8 && accuracy < 0.99, "a model that is sometimes wrong: " + accuracy);
        assertEquals(accuracy, fed.path("live_accuracy").asDouble(), 0, fed::toString);

        JsonNode listed = entry("labelled");
        assertEquals(accuracy, listed.path("live_accuracy").asDouble(), 0, listed::toString);
        assertEquals(1000, listed.path("labelled").asInt(), listed::toString);
        assertTrue(listed.path("card_accuracy").isNumber(), listed::toString);
        assertEquals("calibration curve", listed.path("estimated_from").asText(), listed::toString);
        double estimate = listed.path("estimated_accuracy").asDouble();
        assertEquals(accuracy, estimate, 0.05, "the estimate without labels on undrifted rows");

        String metrics = http.get("/metrics").text();
        assertTrue(metrics.contains("tabserve_live_accuracy{model=\"labelled\",version=\"1\"} " + accuracy), metrics);
        assertTrue(
                metrics.contains("tabserve_feedback_labels_total{model=\"labelled\",outcome=\"joined\","
                        + "version=\"1\"} 1000.0"),
                metrics);
        assertTrue(metrics.contains("tabserve_estimated_accuracy{model=\"labelled\",version=\"1\"}"), metrics);

        String words = String.format(java.util.Locale.ROOT, "live %.3f (1000 labels)", accuracy);
        String row = Http.textOf(http.get("/models").html(), "tbody[data-model=labelled] .performance");
        assertTrue(row.startsWith("accuracy: card ") && row.contains(words) && row.contains("estimated "), row);
        assertTrue(Http.textOf(http.get("/models/labelled/card").html(), "#performance")
                .contains(words));
        assertEquals(
                accuracy,
                http.get("/models/labelled/api/model")
                        .json()
                        .path("performance")
                        .path("live_accuracy")
                        .asDouble(),
                0,
                "GET /api/model has it beside the features' drift");

        JsonNode again = feed("/models/labelled/api/feedback", label("labelled-batch", 3, "1"))
                .json();
        assertEquals(1, again.path("duplicates").asInt(), "a row labelled twice counts once: " + again);
        assertEquals(accuracy, again.path("live_accuracy").asDouble(), 0);
    }

    @Test
    void rowsMovedTowardsTheBoundaryBetweenTheClassesPullTheEstimateDown() {
        answer("drifted", rows.stream().map(FeedbackTest::object).toList());
        double undrifted = entry("drifted").path("estimated_accuracy").asDouble();
        // Each row halfway to a row of the other class: inputs the model was not trained on, answered less surely.
        List<double[]> moved = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            double[] row = rows.get(i);
            double[] other = rows.get((i + rows.size() / 2) % rows.size());
            double[] mid = new double[5];
            for (int f = 0; f < 4; f++) {
                mid[f] = (row[f] + other[f]) / 2;
            }
            moved.add(mid);
        }
        for (int repeat = 0; repeat < 3; repeat++) {
            StringJoiner instances = new StringJoiner(",", "{\"instances\":[", "]}");
            moved.forEach(row -> instances.add(object(row)));
            assertEquals(
                    200,
                    post("/models/drifted/api/predict", instances.toString()).status());
        }
        JsonNode listed = entry("drifted");
        double drifted = listed.path("estimated_accuracy").asDouble();
        assertTrue(drifted < undrifted - 0.05, "the estimate went from " + undrifted + " to " + drifted);
        assertTrue(listed.path("live_accuracy").isNull(), "no labels, no live accuracy: " + listed);
    }

    @Test
    void aRegressorsLiveMaeIsTheMeanAbsoluteErrorOfItsLabelledAnswers() throws Exception {
        StringJoiner instances = new StringJoiner(",", "{\"instances\":[", "]}");
        List<Double> truth = new ArrayList<>();
        for (String[] row : labelled("body-mass-regressor", "body_mass_g").subList(0, 100)) {
            instances.add(row[0]);
            truth.add(Double.parseDouble(row[1]));
        }
        JsonNode predictions = post("/models/mass/api/predict", instances.toString(), "X-Request-Id", "mass-1")
                .json()
                .path("predictions");
        StringJoiner labels = new StringJoiner(",", "[", "]");
        double error = 0;
        for (int r = 0; r < truth.size(); r++) {
            error += Math.abs(truth.get(r) - predictions.get(r).path("value").asDouble());
            labels.add(label("mass-1", r, Double.toString(truth.get(r))));
        }
        JsonNode fed = feed("/models/mass/api/feedback", labels.toString()).json();
        assertEquals(truth.size(), fed.path("joined").asInt(), fed::toString);
        assertEquals(error / truth.size(), fed.path("live_mae").asDouble(), 1e-3, fed::toString);
        assertEquals(error / truth.size(), entry("mass").path("live_mae").asDouble(), 1e-3);
        assertTrue(entry("mass").path("card_mae").isNumber());

        JsonNode problem = feed("/models/mass/api/feedback", label("mass-1", 0, "\"heavy\""))
                .problem(400);
        assertTrue(problem.toString().contains("must be a number"), problem::toString);
    }

    @Test
    void aRegressorsOutlyingTrueValueJoinsAndAnAbsurdOneIsRefusedAloneNotItsBatch() throws Exception {
        StringJoiner instances = new StringJoiner(",", "{\"instances\":[", "]}");
        List<Double> truth = new ArrayList<>();
        for (String[] row : labelled("body-mass-regressor", "body_mass_g").subList(0, 100)) {
            instances.add(row[0]);
            truth.add(Double.parseDouble(row[1]));
        }
        JsonNode predictions = post("/models/outliers/api/predict", instances.toString(), "X-Request-Id", "out-1")
                .json()
                .path("predictions");
        double largest = 0;
        for (JsonNode prediction : predictions) {
            largest = Math.max(largest, prediction.path("value").asDouble());
        }
        truth.set(98, 3 * largest); // an honest outlier (issue 61: one true fare of 512.33 refused 400 labels)
        StringJoiner labels = new StringJoiner(",", "[", "]");
        double error = 0;
        for (int r = 0; r < 99; r++) {
            error += Math.abs(truth.get(r) - predictions.get(r).path("value").asDouble());
            labels.add(label("out-1", r, Double.toString(truth.get(r))));
        }
        labels.add(label("out-1", 99, "1.7e308"));
        JsonNode fed = feed("/models/outliers/api/feedback", labels.toString()).json();
        assertEquals(99, fed.path("joined").asInt(), fed::toString);
        assertEquals(1, fed.path("refused").asInt(), fed::toString);
        JsonNode refused = fed.path("not_joined").get(0);
        assertEquals(99, refused.path("row").asInt(), fed::toString);
        assertEquals("refused", refused.path("outcome").asText(), fed::toString);
        assertTrue(refused.path("reason").asText().contains("out of range"), fed::toString);
        assertEquals(error / 99, fed.path("live_mae").asDouble(), 1e-3, "the outlier's error counts: " + fed);
        assertTrue(http.get("/metrics")
                .text()
                .contains("tabserve_feedback_labels_total{model=\"outliers\",outcome=\"refused\",version=\"1\"} 1.0"));
        JsonNode later = feed("/models/outliers/api/feedback", label("out-1", 99, Double.toString(truth.get(99))))
                .json();
        assertEquals(1, later.path("joined").asInt(), "the refused label marked nothing: " + later);
    }

    @Test
    void aFloodOfUnknownIdsIsCountedNotRefused() {
        StringJoiner labels = new StringJoiner(",", "[", "]");
        for (int i = 0; i < 10_000; i++) {
            labels.add(label("never-" + i, 0, "\"0\""));
        }
        JsonNode fed = feed("/models/hostile/api/feedback", labels.toString()).json();
        assertEquals(10_000, fed.path("unknown").asInt(), fed::toString);
        assertEquals(0, fed.path("joined").asInt());
        assertTrue(http.get("/metrics")
                .text()
                .contains("tabserve_feedback_labels_total{model=\"hostile\","
                        + "outcome=\"unknown\",version=\"1\"} 10000.0"));
    }

    @Test
    void labelsOfTheWrongTypeTooManyOrTooLargeABodyAreRefusedNamingWhy() {
        String id = post("/models/hostile/api/predict", object(rows.get(0)))
                .header("X-Request-Id")
                .orElseThrow();
        assertEquals(
                List.of("label"),
                feed("/models/hostile/api/feedback", label(id, 0, "\"counterfeit\""))
                        .errorFields(400),
                "a class the model does not have (\"forged\" is class 1's name on the card, and taken)");
        assertEquals(
                List.of("label"),
                feed("/models/hostile/api/feedback", label(id, 0, "[1]")).errorFields(400));
        assertEquals(
                List.of("row"),
                feed("/models/hostile/api/feedback", label(id, -1, "\"1\"")).errorFields(400));
        assertEquals(
                List.of("request_id", "label"),
                feed("/models/hostile/api/feedback", "{\"request_id\": 7}").errorFields(400));
        assertEquals(
                List.of("lable"),
                feed(
                                "/models/hostile/api/feedback",
                                "{\"request_id\": \"" + id + "\", \"label\": \"1\", \"lable\": \"1\"}")
                        .errorFields(400));
        feed("/models/hostile/api/feedback", "[{\"request_id\": ").problem(400);
        feed("/models/hostile/api/feedback", "\"labels\"").problem(400);
        StringJoiner tooMany = new StringJoiner(",", "[", "]");
        for (int i = 0; i <= 10_000; i++) {
            tooMany.add(label("unknown", 0, "\"1\""));
        }
        assertTrue(feed("/models/hostile/api/feedback", tooMany.toString())
                .problem(413)
                .path("detail")
                .asText()
                .contains("tabserve.max-batch-rows"));
        String huge = "[" + (label(id, 0, "\"1\"") + ",").repeat(100_000) + label(id, 0, "\"1\"") + "]";
        assertEquals(413, feed("/models/hostile/api/feedback", huge).status());
        JsonNode fed = feed("/models/hostile/api/feedback", label(id, 0, "1")).json();
        assertEquals(1, fed.path("joined").asInt(), "a class label sent as a number is read as its text: " + fed);
    }
}
