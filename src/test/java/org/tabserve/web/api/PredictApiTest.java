package org.tabserve.web.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tabserve.testing.BankNotes.assertSamePrediction;
import static org.tabserve.testing.BankNotes.assertWellFormed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tabserve.testing.BankNotes;
import org.tabserve.testing.Http;

/** {@code POST /api/predict} over real HTTP against the packaged WAR. */
class PredictApiTest {

    @RegisterExtension
    static final Http http = Http.sharingTheApp();
    /** The model's feature names in signature (graph) order, as GET /api/model states them. */
    private static List<String> signatureOrder;

    @BeforeAll
    static void start() throws Exception {
        signatureOrder = new ArrayList<>();
        http.get("/api/model")
                .json()
                .path("input")
                .path("features")
                .forEach(f -> signatureOrder.add(f.path("name").asText()));
    }

    private static JsonNode predictOne(BankNotes.Note note) {
        return http.postJson("/api/predict", note.json().toString()).json();
    }

    private static ArrayNode asArray(BankNotes.Note note) {
        ArrayNode array = Http.JSON.createArrayNode();
        signatureOrder.forEach(f -> array.add(note.value(f)));
        return array;
    }

    private static String instances(List<? extends JsonNode> items) {
        ObjectNode body = Http.JSON.createObjectNode();
        body.putArray("instances").addAll(items);
        return body.toString();
    }

    private static List<String> fields(JsonNode problem) {
        List<String> fields = new ArrayList<>();
        problem.path("errors").forEach(e -> fields.add(e.path("field").asText()));
        return fields;
    }

    private static List<Integer> rows(JsonNode problem) {
        List<Integer> rows = new ArrayList<>();
        problem.path("errors").forEach(e -> rows.add(e.has("row") ? e.get("row").asInt() : null));
        return rows;
    }

    private static String genuineWith(String field, String rawJsonValue) {
        ObjectNode note = BankNotes.genuine().json();
        String body = note.toString();
        String current = "\"" + field + "\":" + note.get(field).toString();
        assertTrue(body.contains(current), body);
        return body.replace(current, "\"" + field + "\":" + rawJsonValue);
    }

    @Test
    void predictsAGenuineLookingNoteAsClass0Genuine() {
        Http.Response response =
                http.postJson("/api/predict", BankNotes.genuine().json().toString());
        JsonNode prediction = response.json();
        assertEquals("utf-8", response.charset().orElse(""));
        assertWellFormed(prediction);
        assertEquals("0", prediction.get("label").asText());
        assertEquals("genuine", prediction.get("display_name").asText());
        assertTrue(prediction.at("/probabilities/0").asDouble() > 0.9, prediction::toString);
    }

    @Test
    void warnsAboutEachValueOutsideTheTrainingRangeAndNotAboutOthers() {
        JsonNode model = http.get("/api/model").json();
        double maxVariance = 0;
        double minEntropy = 0;
        for (JsonNode feature : model.path("input").path("features")) {
            if (feature.path("name").asText().equals("variance")) {
                maxVariance = feature.path("max").asDouble();
            }
            if (feature.path("name").asText().equals("entropy")) {
                minEntropy = feature.path("min").asDouble();
            }
        }
        String body = "{\"instances\": [{\"variance\": " + (maxVariance + 1) + ", \"skewness\": 0, \"curtosis\": 0, "
                + "\"entropy\": " + (minEntropy - 1) + "}, {\"variance\": " + maxVariance + ", \"skewness\": 0, "
                + "\"curtosis\": 0, \"entropy\": " + minEntropy + "}]}";
        JsonNode predictions = http.postJson("/api/predict", body).json().path("predictions");
        assertEquals(
                List.of("variance", "entropy"),
                predictions.get(0).findValuesAsText("feature"),
                "in the model's feature order");
        assertEquals(
                "the model has not seen a variance this high; treat the answer with care",
                predictions.get(0).at("/warnings/0/message").asText());
        assertEquals(
                "the model has not seen an entropy this low; treat the answer with care",
                predictions.get(0).at("/warnings/1/message").asText());
        assertEquals(0, predictions.get(1).path("warnings").size(), "the range's ends are inside it");
    }

    @Test
    void predictsAForgedNoteFromTheDataAsClass1Forged() {
        JsonNode prediction = predictOne(BankNotes.forged());
        assertWellFormed(prediction);
        assertEquals("1", prediction.get("label").asText());
        assertEquals("forged", prediction.get("display_name").asText());
        assertTrue(prediction.at("/probabilities/1").asDouble() > 0.9, prediction::toString);
    }

    @Test
    void answersABatchOfInstancesInInputOrderWithTheSinglePredictionOfEachRow() {
        List<BankNotes.Note> notes = BankNotes.mixed(12);
        List<ObjectNode> items = notes.stream().map(BankNotes.Note::json).toList();
        JsonNode predictions =
                http.postJson("/api/predict", instances(items)).json().get("predictions");
        assertEquals(notes.size(), predictions.size());
        for (int i = 0; i < notes.size(); i++) {
            assertSamePrediction(predictOne(notes.get(i)), predictions.get(i), "instance " + i);
            assertEquals(
                    notes.get(i).label(), predictions.get(i).get("label").asText(), "instance " + i + " is its class");
        }
    }

    /**
     * Single rows sent at once by many clients (which the server may merge into one model call) each get their own
     * row's answer: the same as that row's in one batch request of every row.
     */
    @Test
    void concurrentSingleRowRequestsEachGetTheirOwnRowsAnswer() throws Exception {
        List<BankNotes.Note> notes = BankNotes.mixed(400);
        JsonNode batch = http.postJson(
                        "/api/predict",
                        instances(notes.stream().map(BankNotes.Note::json).toList()))
                .json()
                .get("predictions");
        int clients = 16;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(clients);
        try {
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<Integer>> done = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                done.add(pool.submit(() -> {
                    go.await();
                    int checked = 0;
                    for (int i = client; i < notes.size(); i += clients) {
                        assertSamePrediction(batch.get(i), predictOne(notes.get(i)), "row " + i);
                        checked++;
                    }
                    return checked;
                }));
            }
            go.countDown();
            int checked = 0;
            for (java.util.concurrent.Future<Integer> f : done) {
                checked += f.get(120, java.util.concurrent.TimeUnit.SECONDS);
            }
            assertEquals(notes.size(), checked);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void takesInstancesAsArraysInTheSignatureOrderOfApiModel() {
        assertEquals(BankNotes.FEATURES, signatureOrder, "the graph takes the data's column order (README)");
        List<BankNotes.Note> notes = BankNotes.mixed(8);
        JsonNode byName = http.postJson(
                        "/api/predict",
                        instances(notes.stream().map(BankNotes.Note::json).toList()))
                .json();
        JsonNode byPosition = http.postJson(
                        "/api/predict",
                        instances(notes.stream().map(PredictApiTest::asArray).toList()))
                .json();
        for (int i = 0; i < notes.size(); i++) {
            assertSamePrediction(
                    byName.get("predictions").get(i),
                    byPosition.get("predictions").get(i),
                    "instance " + i);
        }
    }

    /**
     * Every row of the CSV, its four numbers copied in the file's column order into a plain array (no names, no help
     * from /api/model), gets the CSV's class: the bundled model scores 1.000 on its training and held-out rows alike.
     */
    @Test
    void everyRowOfTheCsvSentAsAnArrayInTheFilesColumnOrderGetsItsClass() throws Exception {
        List<String> header;
        try (var lines = java.nio.file.Files.lines(BankNotes.DATA)) {
            header = List.of(lines.findFirst().orElseThrow().split(","));
        }
        List<String> columns = header.subList(0, header.size() - 1);
        assertEquals(BankNotes.FEATURES, columns, "the CSV's own column order");
        List<BankNotes.Note> notes = BankNotes.all();
        assertEquals(1372, notes.size());
        int batch = 500;
        int checked = 0;
        for (int from = 0; from < notes.size(); from += batch) {
            List<BankNotes.Note> part = notes.subList(from, Math.min(notes.size(), from + batch));
            // The values exactly as the file writes them, as JSON number literals.
            String body = "{\"instances\": ["
                    + String.join(
                            ",",
                            part.stream()
                                    .map(n -> "["
                                            + String.join(
                                                    ",",
                                                    columns.stream()
                                                            .map(c -> n.text().get(c))
                                                            .toList()) + "]")
                                    .toList())
                    + "]}";
            JsonNode predictions = http.postJson("/api/predict", body).json().get("predictions");
            assertEquals(part.size(), predictions.size());
            for (int i = 0; i < part.size(); i++) {
                assertEquals(
                        part.get(i).label(),
                        predictions.get(i).get("label").asText(),
                        "CSV row " + (from + i + 1) + " " + part.get(i).text());
                checked++;
            }
        }
        assertEquals(1372, checked);
    }

    @Test
    void takesABatchMixingObjectsAndArraysInInputOrder() {
        List<BankNotes.Note> notes = BankNotes.mixed(6);
        List<JsonNode> items = new ArrayList<>();
        for (int i = 0; i < notes.size(); i++) {
            items.add(i % 2 == 0 ? notes.get(i).json() : asArray(notes.get(i)));
        }
        JsonNode predictions =
                http.postJson("/api/predict", instances(items)).json().get("predictions");
        assertEquals(notes.size(), predictions.size());
        for (int i = 0; i < notes.size(); i++) {
            assertSamePrediction(predictOne(notes.get(i)), predictions.get(i), "instance " + i);
        }
    }

    @Test
    void acceptsTheFeaturesInAnyKeyOrder() {
        BankNotes.Note note = BankNotes.forged();
        ObjectNode reversed = Http.JSON.createObjectNode();
        for (int i = BankNotes.FEATURES.size() - 1; i >= 0; i--) {
            reversed.put(BankNotes.FEATURES.get(i), note.value(BankNotes.FEATURES.get(i)));
        }
        assertSamePrediction(
                predictOne(note),
                http.postJson("/api/predict", reversed.toString()).json(),
                "reversed keys");
    }

    @Test
    void rejectsMalformedJsonWith400Problem() {
        JsonNode problem = http.postJson("/api/predict", "{variance: 1}").problem(400);
        assertEquals("/api/predict", problem.path("instance").asText());
        assertTrue(problem.path("detail").asText().contains("malformed JSON"), problem::toString);
    }

    @Test
    void rejectsTruncatedJsonWith400Problem() {
        String body = BankNotes.genuine().json().toString();
        JsonNode problem = http.postJson("/api/predict", body.substring(0, body.length() / 2))
                .problem(400);
        assertTrue(problem.path("detail").asText().contains("malformed JSON"), problem::toString);
    }

    @Test
    void rejectsAStringANullAndABooleanNamingEachField() {
        String body = "{\"variance\":\"3.6\",\"skewness\":null,\"curtosis\":true,\"entropy\":-0.44699}";
        JsonNode problem = http.postJson("/api/predict", body).problem(400);
        assertEquals(List.of("variance", "skewness", "curtosis"), fields(problem));
        assertTrue(problem.at("/errors/0/message").asText().contains("string"), problem::toString);
        assertEquals(
                "missing value for 'skewness'", problem.at("/errors/1/message").asText(), problem::toString);
        assertTrue(problem.at("/errors/2/message").asText().contains("boolean"), problem::toString);
    }

    @Test
    void listsEveryMissingFieldAtOnceNamingTheIgnoredOnes() {
        JsonNode problem = http.postJson("/api/predict", "{\"variance\":1.0,\"colour\":2,\"size\":3}")
                .problem(400);
        assertEquals(
                List.of("curtosis", "entropy", "skewness"),
                fields(problem).stream().sorted().toList());
        assertEquals(3, problem.path("errors").size());
        problem.path("errors")
                .forEach(e -> assertTrue(e.path("row").isMissingNode(), "no row for a single object: " + e));
        problem.path("errors")
                .forEach(e -> assertTrue(
                        e.path("message")
                                .asText()
                                .endsWith("the fields the model does not take were ignored: 'colour', 'size'"),
                        e::toString));
    }

    @Test
    void listsEveryBadFieldOfABatchWithItsRow() {
        ObjectNode good = BankNotes.genuine().json();
        ObjectNode missing = BankNotes.forged().json();
        missing.remove("entropy");
        ObjectNode unknownAndString = BankNotes.genuine().json();
        unknownAndString.put("colour", 1.0);
        unknownAndString.put("variance", "high");
        JsonNode problem = http.postJson("/api/predict", instances(List.of(good, missing, unknownAndString)))
                .problem(400);
        List<String> found = new ArrayList<>();
        for (int i = 0; i < fields(problem).size(); i++) {
            found.add(rows(problem).get(i) + ":" + fields(problem).get(i));
        }
        assertEquals(List.of("1:entropy", "2:variance"), found.stream().sorted().toList(), "colour is ignored");
    }

    @Test
    void rejectsTheNaNLiteralNamingTheFieldThatMayNotBeMissing() {
        JsonNode problem =
                http.postJson("/api/predict", genuineWith("variance", "NaN")).problem(400);
        assertEquals(List.of("variance"), fields(problem));
        assertTrue(problem.path("detail").asText().equals("missing value for 'variance'"), problem::toString);
    }

    @Test
    void rejectsANumberBeyondDoubleRangeNamingTheField() {
        JsonNode problem =
                http.postJson("/api/predict", genuineWith("skewness", "1e400")).problem(400);
        assertEquals(List.of("skewness"), fields(problem));
    }

    @Test
    void rejectsANumberBeyondTheModelsFloatRangeNamingTheField() {
        JsonNode problem =
                http.postJson("/api/predict", genuineWith("curtosis", "1e300")).problem(400);
        assertEquals(List.of("curtosis"), fields(problem));
    }

    @Test
    void rejectsAnotherContentTypeWith415() {
        String body = BankNotes.genuine().json().toString();
        http.post("/api/predict", "text/plain", body.getBytes(StandardCharsets.UTF_8))
                .problem(415);
        http.post("/api/predict", "application/x-www-form-urlencoded", body.getBytes(StandardCharsets.UTF_8))
                .problem(415);
    }

    @Test
    void rejectsABodyWithoutContentTypeWith415() {
        http.post("/api/predict", null, BankNotes.genuine().json().toString().getBytes(StandardCharsets.UTF_8))
                .problem(415);
    }

    @Test
    void rejectsAnEmptyBodyWith400() {
        JsonNode problem = http.postJson("/api/predict", "").problem(400);
        assertTrue(problem.path("detail").asText().contains("empty"), problem::toString);
    }

    @Test
    void rejectsDuplicateKeysWith400() {
        JsonNode problem = http.postJson("/api/predict", genuineWith("variance", "1.0,\"variance\":2.0"))
                .problem(400);
        assertTrue(problem.path("detail").asText().contains("variance"), problem::toString);
    }

    @Test
    void rejectsDuplicateKeysInsideABatchInstanceWith400() {
        String item = genuineWith("entropy", "1.0,\"entropy\":2.0");
        http.postJson("/api/predict", "{\"instances\":[" + item + "]}").problem(400);
    }

    @Test
    void acceptsTenThousandInstancesAndRefusesMoreWith413() {
        StringBuilder body = new StringBuilder("{\"instances\":[");
        String row = asArray(BankNotes.genuine()).toString();
        for (int i = 0; i < 10_000; i++) {
            body.append(i == 0 ? "" : ",").append(row);
        }
        JsonNode ok = http.postJson("/api/predict", body + "]}").json();
        assertEquals(10_000, ok.get("predictions").size());
        assertSamePrediction(
                predictOne(BankNotes.genuine()), ok.get("predictions").get(9_999), "the last row");

        JsonNode problem =
                http.fresh().postJson("/api/predict", body + "," + row + "]}").problem(413);
        assertTrue(problem.path("detail").asText().contains("10000"), problem::toString);
    }

    @Test
    void rejectsInstancesThatAreNotAnArrayWith400() {
        for (String body : List.of("{\"instances\":{\"variance\":1}}", "{\"instances\":5}", "{\"instances\":null}")) {
            JsonNode problem = http.postJson("/api/predict", body).problem(400);
            assertTrue(problem.path("detail").asText().contains("\"instances\" must be an array"), problem::toString);
        }
    }

    @Test
    void rejectsAnInstanceThatIsNeitherObjectNorArrayNamingItsRow() {
        String body = instances(
                List.of(BankNotes.genuine().json(), Http.JSON.getNodeFactory().numberNode(5)));
        JsonNode problem = http.postJson("/api/predict", body).problem(400);
        assertEquals(List.of("instances"), fields(problem));
        assertEquals(List.of(1), rows(problem));
    }

    @Test
    void rejectsABodyThatIsNotAJsonObjectWith400() {
        http.postJson("/api/predict", "[1, 2, 3, 4]").problem(400);
        http.postJson("/api/predict", "42").problem(400);
    }

    @Test
    void rejectsInstancesBesideTopLevelFeaturesWith400() {
        http.postJson("/api/predict", "{\"instances\":[],\"variance\":1}").problem(400);
    }

    @Test
    void rejectsContentAfterTheJsonObjectWith400() {
        http.postJson("/api/predict", BankNotes.genuine().json() + "{}").problem(400);
    }

    @Test
    void rejectsAnArrayInstanceOfTheWrongLengthWith400() {
        assertEquals(
                List.of("[4]"),
                fields(http.postJson("/api/predict", "{\"instances\":[[1,2,3,4,5]]}")
                        .problem(400)),
                "the fifth value has no feature: named by its position");
        assertEquals(
                List.of("entropy"),
                fields(http.postJson("/api/predict", "{\"instances\":[[1,2,3]]}")
                        .problem(400)),
                "the fourth feature in signature order is missing");
    }

    @Test
    void rejectsABodyOverFourMebibytesWith413() {
        // Valid JSON, padded with whitespace past the 4 MiB limit: only its size is wrong.
        String body = BankNotes.genuine().json().toString();
        byte[] padded =
                (body.substring(0, body.length() - 1) + " ".repeat(4 << 20) + "}").getBytes(StandardCharsets.UTF_8);
        http.fresh().post("/api/predict", "application/json", padded).problem(413);
    }

    @Test
    void rejectsAChunkedBodyOverFourMebibytesWith413() {
        String body = BankNotes.genuine().json().toString();
        byte[] padded =
                (body.substring(0, body.length() - 1) + " ".repeat(4 << 20) + "}").getBytes(StandardCharsets.UTF_8);
        // ofInputStream has no known length, so the JDK client sends it chunked, without Content-Length.
        http.fresh()
                .send(
                        "POST",
                        "/api/predict",
                        java.net.http.HttpRequest.BodyPublishers.ofInputStream(
                                () -> new java.io.ByteArrayInputStream(padded)),
                        "Content-Type",
                        "application/json")
                .problem(413);
    }

    @Test
    void rejectsGetAndDeleteWith405NamingPostInAllow() {
        for (String method : List.of("GET", "DELETE", "PUT")) {
            Http.Response response =
                    http.send(method, "/api/predict", java.net.http.HttpRequest.BodyPublishers.noBody());
            response.problem(405);
            assertEquals("OPTIONS, POST", response.header("Allow").orElse(""), method);
        }
    }

    @Test
    void namesTheRowOfABatchValueThatOnlyTheModelRefuses() {
        String body = instances(List.of(
                asArray(BankNotes.genuine()),
                Http.JSON.createArrayNode().add(1).add(1e300).add(3).add(4)));
        JsonNode problem = http.postJson("/api/predict", body).problem(400);
        assertEquals(List.of("skewness"), fields(problem), "the second value, in signature order");
        assertEquals(List.of(1), rows(problem));

        JsonNode shortRow = http.postJson("/api/predict", "{\"instances\":[[1,2,3,4],[1,2,3]]}")
                .problem(400);
        assertEquals(List.of(1), rows(shortRow));
    }

    @Test
    void listsAShortArrayRowTogetherWithTheNamedRowsProblems() {
        JsonNode problem = http.postJson("/api/predict", "{\"instances\":[[1,2],{\"variance\":1}]}")
                .problem(400);
        assertTrue(rows(problem).contains(0), () -> "row 0 (2 values, 4 needed) is not listed: " + problem);
        assertTrue(rows(problem).contains(1), problem::toString);
    }
}
