package org.tabserve.web.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tabserve.launcher.TabserveServer;
import org.tabserve.testing.Http;

/**
 * The JSON routes ({@code POST /api/predict}, {@code POST /predict} and {@code POST /invocations}) serve every model the real exporter made
 * (fixtures/make_penguins_models.py) with scikit-learn's answers for every row: the WAR runs with {@code --model}
 * one fixture at a time, all its rows go in one batch request per route, a few rows also one by one; labels must be
 * equal, probabilities within 1e-5, values within 1e-5 relative, and {@code warnings} must name exactly the fields
 * whose category the encoder never saw, and the rows it cannot take (an empty sex, {@code ""}, is a missing value)
 * are refused naming each input they lack; MLflow's {@code POST /invocations} takes the same rows in each of its layouts. Then typed bad input against a penguins model: each gets a 4xx naming its
 * field (or a warning where the model takes the value), and the next valid request is answered.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TypedModelsJsonTest {

    private static final Path DIR = Path.of("src/test/resources/org/tabserve/fixtures/penguins");
    private static final String ZIPMAP = "species-zipmap";
    private static final String INT64 = "int64-column";
    private static final String ZIPMAP_ROW =
            "{\"island\": \"Torgersen\", \"bill_length_mm\": 39.1, \"bill_depth_mm\": 18.7,"
                    + " \"flipper_length_mm\": 181.0, \"body_mass_g\": 3750.0, \"sex\": \"MALE\"}";
    private static final String INT64_ROW =
            "{\"species\": \"Adelie\", \"island\": \"Torgersen\", \"bill_length_mm\": 39.1,"
                    + " \"bill_depth_mm\": 18.7, \"flipper_length_mm\": 181, \"body_mass_kg\": 3}";

    /** The one server running: a fixture is served until another is asked for, so each starts once. */
    private static String served;

    private static TabserveServer server;
    private static Http http;

    private static Http serving(String fixture) throws IOException, InterruptedException {
        if (!fixture.equals(served)) {
            stop();
            server = TabserveServer.startReady(
                    "--model", DIR.resolve(fixture + ".onnx").toString());
            served = fixture;
            http = new Http(server);
        }
        return http;
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (server != null) {
            server.close();
            server = null;
            served = null;
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Every fixture, every row, on both JSON routes

    @Order(1)
    @ParameterizedTest
    // species-zipmap last: the bad-input cases below run against it without a restart.
    @ValueSource(
            strings = {
                "fixed-batch-4",
                "species-nozipmap",
                "species-labels-in-graph",
                "body-mass-regressor",
                INT64,
                ZIPMAP
            })
    void answersEveryRowAsScikitLearnDidOnEveryJsonRoute(String fixture) throws Exception {
        JsonNode expected =
                Http.JSON.readTree(DIR.resolve(fixture + ".expected.json").toFile());
        Http http = serving(fixture);
        ArrayNode instances = Http.JSON.createArrayNode();
        expected.path("rows").forEach(row -> instances.add(row.path("inputs")));
        ObjectNode batch = Http.JSON.createObjectNode().set("instances", instances);
        for (String route : List.of("/api/predict", "/predict")) {
            JsonNode answer = http.postJson(route, batch.toString()).json();
            JsonNode predictions = answer.path("predictions");
            assertEquals(instances.size(), predictions.size(), route);
            for (int r = 0; r < instances.size(); r++) {
                assertAnswer(expected, expected.path("rows").get(r), predictions.get(r), fixture + " " + route);
            }
        }
        mlflowLayoutsAnswerAsScikitLearnDid(fixture, expected, instances, http);
        // One by one: the first row, the first with a missing value, the first with an unknown category.
        List<JsonNode> singles = new ArrayList<>(List.of(expected.path("rows").get(0)));
        firstRow(expected, row -> row.path("inputs").toString().contains("null"))
                .ifPresent(singles::add);
        firstRow(expected, row -> !row.path("unknown").isEmpty()).ifPresent(singles::add);
        for (JsonNode row : singles) {
            for (String route : List.of("/api/predict", "/predict")) {
                JsonNode answer =
                        http.postJson(route, row.path("inputs").toString()).json();
                assertAnswer(expected, row, answer, fixture + " " + route + " single");
            }
        }
        refusedRowsAreRefusedNamingEachInputTheyLack(expected, http, fixture);
    }

    /**
     * The rows the model cannot take ({@code refused} in expected.json: an empty sex sent as {@code ""}, a missing
     * number the graph does not impute): a batch of them is a 400 naming every row and input the fixture says is
     * missing there, and nothing else, each in the one wording of a missing value.
     */
    private static void refusedRowsAreRefusedNamingEachInputTheyLack(JsonNode expected, Http http, String fixture) {
        JsonNode refused = expected.path("refused");
        ArrayNode instances = Http.JSON.createArrayNode();
        TreeSet<String> lacking = new TreeSet<>();
        for (int r = 0; r < refused.size(); r++) {
            instances.add(refused.get(r).path("inputs"));
            for (JsonNode name : refused.get(r).path("missing")) {
                lacking.add(r + " " + name.asText());
            }
        }
        if (instances.isEmpty()) {
            return;
        }
        String body = Http.JSON.createObjectNode().set("instances", instances).toString();
        for (String route : List.of("/api/predict", "/predict")) {
            JsonNode errors = http.postJson(route, body).problem(400).path("errors");
            TreeSet<String> named = new TreeSet<>();
            for (JsonNode error : errors) {
                String field = error.path("field").asText();
                named.add(error.path("row").asInt() + " " + field);
                assertTrue(
                        error.path("message").asText().startsWith("missing value for '" + field + "'"),
                        fixture + " " + route + ": " + error);
            }
            assertEquals(lacking, named, fixture + " " + route + ": " + errors);
        }
    }

    /**
     * {@code POST /invocations}: the same rows in each of MLflow's layouts (a split frame with an index and an extra
     * id column, records, instances as columns, inputs as arrays in the model's order) and as the fixture's CSV
     * give scikit-learn's labels or values, as MLflow answers them: {@code {"predictions": [label | value, ...]}}.
     */
    private static void mlflowLayoutsAnswerAsScikitLearnDid(
            String fixture, JsonNode expected, ArrayNode instances, Http http) throws IOException {
        List<String> columns = new ArrayList<>();
        instances.get(0).fieldNames().forEachRemaining(columns::add);
        ObjectNode split = Http.JSON.createObjectNode();
        ArrayNode splitColumns = split.putArray("columns").add("id");
        columns.forEach(splitColumns::add);
        ArrayNode index = split.putArray("index");
        ArrayNode data = split.putArray("data");
        ObjectNode byColumn = Http.JSON.createObjectNode();
        ArrayNode arrays = Http.JSON.createArrayNode();
        columns.forEach(c -> byColumn.putArray(c));
        for (int r = 0; r < instances.size(); r++) {
            JsonNode row = instances.get(r);
            index.add(r);
            ArrayNode cells = data.addArray().add("row-" + r);
            ArrayNode array = arrays.addArray();
            for (String column : columns) {
                cells.add(row.get(column));
                ((ArrayNode) byColumn.get(column)).add(row.get(column));
                array.add(row.get(column));
            }
        }
        Map<String, String> bodies = new java.util.LinkedHashMap<>();
        bodies.put(
                "dataframe_split",
                Http.JSON.createObjectNode().set("dataframe_split", split).toString());
        bodies.put(
                "dataframe_records",
                Http.JSON.createObjectNode().set("dataframe_records", instances).toString());
        bodies.put(
                "instances as columns",
                Http.JSON.createObjectNode().set("instances", byColumn).toString());
        bodies.put(
                "inputs as arrays",
                Http.JSON.createObjectNode().set("inputs", arrays).toString());
        List<Map.Entry<String, Http.Response>> answers = new ArrayList<>();
        for (Map.Entry<String, String> body : bodies.entrySet()) {
            answers.add(Map.entry(body.getKey(), http.postJson("/invocations", body.getValue())));
        }
        List<JsonNode> all = new ArrayList<>();
        expected.path("rows").forEach(all::add);
        Map<String, List<JsonNode>> rowsOf = new java.util.HashMap<>();
        Path csv = DIR.resolve(fixture + ".inputs.csv");
        if (java.nio.file.Files.exists(csv)) {
            answers.add(Map.entry("CSV", http.post("/invocations", "text/csv", java.nio.file.Files.readAllBytes(csv))));
            // inputs.csv holds the rows without an unknown category, in order (fixtures/README.md says why)
            rowsOf.put(
                    "CSV",
                    all.stream().filter(row -> row.path("unknown").isEmpty()).toList());
        }
        for (Map.Entry<String, Http.Response> answer : answers) {
            String where = fixture + " /invocations " + answer.getKey();
            assertEquals(
                    200,
                    answer.getValue().status(),
                    where + ": " + answer.getValue().text());
            List<JsonNode> rows = rowsOf.getOrDefault(answer.getKey(), all);
            JsonNode predictions = answer.getValue().json().path("predictions");
            assertEquals(rows.size(), predictions.size(), where);
            for (int r = 0; r < rows.size(); r++) {
                JsonNode row = rows.get(r);
                if (row.has("value")) {
                    double value = row.path("value").asDouble();
                    assertEquals(value, predictions.get(r).asDouble(), 1e-5 * Math.max(1, Math.abs(value)), where);
                } else {
                    assertEquals(row.path("label").asText(), predictions.get(r).asText(), where + " row " + r);
                }
            }
        }
    }

    private static java.util.Optional<JsonNode> firstRow(
            JsonNode expected, java.util.function.Predicate<JsonNode> test) {
        for (JsonNode row : expected.path("rows")) {
            if (test.test(row)) {
                return java.util.Optional.of(row);
            }
        }
        return java.util.Optional.empty();
    }

    private static void assertAnswer(JsonNode expected, JsonNode row, JsonNode answer, String route) {
        String where = route + " row " + row.path("row").asInt() + ": " + answer;
        if (row.has("value")) {
            double value = row.path("value").asDouble();
            assertTrue(answer.path("value").isNumber(), where);
            assertEquals(value, answer.path("value").asDouble(), 1e-5 * Math.max(1, Math.abs(value)), where);
            assertTrue(answer.path("label").isMissingNode(), where);
        } else {
            assertEquals(row.path("label").asText(), answer.path("label").asText(), where);
            List<String> classes = new ArrayList<>();
            expected.path("classes").forEach(c -> classes.add(c.asText()));
            List<String> answered = new ArrayList<>();
            answer.path("probabilities").fieldNames().forEachRemaining(answered::add);
            assertEquals(classes, answered, where);
            for (Iterator<Map.Entry<String, JsonNode>> it =
                            row.path("probabilities").fields();
                    it.hasNext(); ) {
                Map.Entry<String, JsonNode> p = it.next();
                assertEquals(
                        p.getValue().asDouble(),
                        answer.path("probabilities").path(p.getKey()).asDouble(),
                        1e-5,
                        where + " probability of " + p.getKey());
            }
        }
        TreeSet<String> unknown = new TreeSet<>();
        row.path("unknown").forEach(u -> unknown.add(u.asText()));
        TreeSet<String> warned = new TreeSet<>();
        answer.path("warnings").forEach(w -> warned.add(w.path("feature").asText()));
        assertEquals(unknown, warned, where);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Typed bad input

    /** One request: what it is, how to send it, the status, and the field its error (or warning) must name. */
    private record Case(String name, Supplier<Http.Response> send, int status, String field) {}

    private static Http.Response post(String body) {
        return http.postJson("/api/predict", body);
    }

    private static String with(String row, String field, String json) {
        String replaced = row.replaceFirst(
                "\"" + field + "\": [^,}]+", java.util.regex.Matcher.quoteReplacement("\"" + field + "\": " + json));
        assertTrue(!replaced.equals(row) || row.contains("\"" + field + "\": " + json), field);
        return replaced;
    }

    private static byte[] invalidUtf8Island() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(
                ZIPMAP_ROW.substring(0, ZIPMAP_ROW.indexOf("Torgersen") + 4).getBytes(StandardCharsets.UTF_8));
        out.writeBytes(new byte[] {(byte) 0xC3, (byte) 0x28}); // a lead byte without its continuation
        out.writeBytes("ersen\"".getBytes(StandardCharsets.UTF_8));
        out.writeBytes(ZIPMAP_ROW
                .substring(ZIPMAP_ROW.indexOf("\"Torgersen\"") + "\"Torgersen\"".length())
                .getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static List<Case> zipmapCases() {
        String row = ZIPMAP_ROW;
        return List.of(
                new Case(
                        "text where a number belongs",
                        () -> post(with(row, "bill_length_mm", "\"39.1\"")),
                        400,
                        "bill_length_mm"),
                new Case(
                        "a number with no one text form where text belongs",
                        () -> post(with(row, "island", "3e0")),
                        400,
                        "island"),
                new Case("a boolean where text belongs", () -> post(with(row, "island", "true")), 400, "island"),
                new Case(
                        "a boolean where a number belongs",
                        () -> post(with(row, "body_mass_g", "false")),
                        400,
                        "body_mass_g"),
                new Case("null where text may not be missing", () -> post(with(row, "sex", "null")), 400, "sex"),
                new Case(
                        "null where the graph imputes: taken",
                        () -> post(with(row, "bill_length_mm", "null")),
                        200,
                        null),
                new Case("an object as a value", () -> post(with(row, "sex", "{\"a\": 1}")), 400, "sex"),
                new Case(
                        "an unknown category: a warning",
                        () -> post(with(row, "island", "\"Atlantis\"")),
                        200,
                        "island"),
                new Case(
                        "a text value of 20,000 characters",
                        () -> post(with(row, "island", "\"" + "x".repeat(20_000) + "\"")),
                        400,
                        "island"),
                new Case(
                        "a text value of 100 kB",
                        () -> post(with(row, "island", "\"" + "x".repeat(100 << 10) + "\"")),
                        400,
                        "island"),
                new Case("NUL in text", () -> post(with(row, "island", "\"Torg\\u0000ersen\"")), 400, "island"),
                new Case(
                        "invalid UTF-8 in text",
                        () -> http.post("/api/predict", "application/json", invalidUtf8Island()),
                        400,
                        "island"),
                new Case("a missing field", () -> post(row.replace(", \"sex\": \"MALE\"", "")), 400, "sex"),
                new Case(
                        "an unknown field, ignored with a warning",
                        () -> post(row.replace("{", "{\"colour\": \"red\", ")),
                        200,
                        "colour"),
                new Case(
                        "a typed batch row with a text number, named by its row",
                        () -> post("{\"instances\": [" + row + ", " + with(row, "body_mass_g", "\"heavy\"") + "]}"),
                        400,
                        "body_mass_g"),
                new Case(
                        "an array row in signature order",
                        () -> post("{\"instances\": [[\"Dream\", 39.1, 18.7, 181, null, \"FEMALE\"]]}"),
                        200,
                        null),
                new Case(
                        "mlflow: text where a number belongs",
                        () -> records(with(row, "bill_length_mm", "\"39.1\"")),
                        400,
                        "bill_length_mm"),
                new Case(
                        "mlflow: null where text may not be missing",
                        () -> records(with(row, "sex", "null")),
                        400,
                        "sex"),
                new Case(
                        "mlflow: null where the graph imputes: taken",
                        () -> records(with(row, "bill_length_mm", "null")),
                        200,
                        null),
                new Case(
                        "mlflow: a number where text belongs, in a split frame",
                        () -> http.postJson(
                                "/invocations",
                                "{\"dataframe_split\": {\"columns\": [\"island\", \"bill_length_mm\", \"bill_depth_mm\", "
                                        + "\"flipper_length_mm\", \"body_mass_g\", \"sex\"], \"data\": [[3e0, 39.1, 18.7, 181, 3750, \"MALE\"]]}}"),
                        400,
                        "island"));
    }

    /** One row as MLflow's {@code dataframe_records}. */
    private static Http.Response records(String row) {
        return http.postJson("/invocations", "{\"dataframe_records\": [" + row + "]}");
    }

    private static List<Case> int64Cases() {
        String row = INT64_ROW;
        return List.of(
                new Case(
                        "a fraction for an int64",
                        () -> post(with(row, "flipper_length_mm", "181.5")),
                        400,
                        "flipper_length_mm"),
                new Case(
                        "2^63 for an int64",
                        () -> post(with(row, "flipper_length_mm", "9223372036854775808")),
                        400,
                        "flipper_length_mm"),
                new Case(
                        "1e19 for an int64",
                        () -> post(with(row, "flipper_length_mm", "1e19")),
                        400,
                        "flipper_length_mm"),
                new Case("181.0 for an int64: taken", () -> post(with(row, "flipper_length_mm", "181.0")), 200, null),
                new Case(
                        "text for an int64",
                        () -> post(with(row, "flipper_length_mm", "\"181\"")),
                        400,
                        "flipper_length_mm"),
                new Case(
                        "null for a float the graph does not impute",
                        () -> post(with(row, "bill_length_mm", "null")),
                        400,
                        "bill_length_mm"),
                new Case(
                        "an unknown integer category: a warning",
                        () -> post(with(row, "body_mass_kg", "9")),
                        200,
                        "body_mass_kg"));
    }

    @Order(2)
    @TestFactory
    Stream<DynamicTest> typedBadInputGetsA4xxNamingTheFieldOrAWarningAndTheNextRequestIsAnswered() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Case c : zipmapCases()) {
            tests.add(test(ZIPMAP, ZIPMAP_ROW, c));
        }
        for (Case c : int64Cases()) {
            tests.add(test(INT64, INT64_ROW, c));
        }
        return tests.stream();
    }

    private static DynamicTest test(String fixture, String valid, Case c) {
        return DynamicTest.dynamicTest(fixture + ": " + c.name() + " → " + c.status(), () -> {
            serving(fixture);
            Http.Response response = c.send().get();
            assertEquals(c.status(), response.status(), () -> c.name() + ": " + response.text());
            if (c.status() == 200) {
                JsonNode answer = response.json();
                List<String> warned = new ArrayList<>();
                answer.findValues("warnings")
                        .forEach(
                                w -> w.forEach(x -> warned.add(x.path("feature").asText())));
                assertEquals(c.field() == null ? List.of() : List.of(c.field()), warned, c.name() + ": " + answer);
            } else {
                JsonNode problem = response.problem(c.status());
                List<String> fields = new ArrayList<>();
                problem.path("errors").forEach(e -> fields.add(e.path("field").asText()));
                assertTrue(fields.contains(c.field()), () -> c.name() + " does not name " + c.field() + ": " + problem);
                problem.path("errors")
                        .forEach(e -> assertTrue(
                                e.path("message").asText().contains(c.field())
                                        || !e.path("field").asText().equals(c.field()),
                                () -> "the message names its field: " + e));
            }
            JsonNode next = http.fresh().postJson("/api/predict", valid).json();
            assertTrue(next.has("label"), next::toString);
        });
    }
}
