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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tabserve.launcher.TabserveServer;

/**
 * Every penguins fixture (skl2onnx pipelines with text, integer and missing inputs, a regressor, a hand-made fixed
 * batch of 4) served by the packaged WAR with {@code --model}: its v2 metadata lists every input with its datatype and
 * shape and the outputs, one v2 infer request carrying every row answers as scikit-learn did (labels equal,
 * probabilities within 1e-5, values within 1e-5 relative), and {@code /api/model} and the card page describe the
 * inputs and the task.
 */
public class TypedModelsV2Test {

    private static final Path DIR = Path.of("src/test/resources/org/tabserve/fixtures/penguins");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @ParameterizedTest
    @ValueSource(
            strings = {
                "species-zipmap",
                "species-nozipmap",
                "species-labels-in-graph",
                "body-mass-regressor",
                "int64-column",
                "fixed-batch-4"
            })
    void servesTheFixtureOverV2AsScikitLearnAnswered(String fixture) throws Exception {
        JsonNode expected =
                JSON.readTree(DIR.resolve(fixture + ".expected.json").toFile());
        boolean regression = expected.path("task").asText().equals("regression");
        try (TabserveServer server = TabserveServer.startReady(
                "--model", DIR.resolve(fixture + ".onnx").toAbsolutePath().toString())) {
            JsonNode model = get(server, "/api/model");
            String name = model.path("name").asText();
            checkModelApi(model, expected);

            // Metadata: every input, its datatype and shape; the outputs (a regressor's under the graph's name).
            JsonNode metadata = get(server, "/v2/models/" + name);
            JsonNode inputs = metadata.path("inputs");
            assertEquals(expected.path("inputs").size(), inputs.size(), inputs::toString);
            for (int i = 0; i < inputs.size(); i++) {
                JsonNode want = expected.path("inputs").get(i);
                JsonNode got = inputs.get(i);
                assertEquals(want.path("name").asText(), got.path("name").asText());
                assertEquals(
                        v2Datatype(want.path("type").asText()),
                        got.path("datatype").asText(),
                        got::toString);
                String shape =
                        want.has("columns") ? "[-1," + want.path("columns").size() + "]" : "[-1,1]";
                assertEquals(shape, got.path("shape").toString(), got::toString);
            }
            JsonNode outputs = metadata.path("outputs");
            String valueOutput = null;
            if (regression) {
                assertEquals(1, outputs.size(), outputs::toString);
                valueOutput = outputs.get(0).path("name").asText();
                assertEquals("variable", valueOutput, "skl2onnx's name for a regressor's output");
                assertEquals("FP32", outputs.get(0).path("datatype").asText());
                assertEquals("[-1,1]", outputs.get(0).path("shape").toString());
            } else {
                assertEquals("label", outputs.get(0).path("name").asText());
                assertEquals("BYTES", outputs.get(0).path("datatype").asText());
                assertEquals("probabilities", outputs.get(1).path("name").asText());
                assertEquals(
                        "[-1," + expected.path("classes").size() + "]",
                        outputs.get(1).path("shape").toString());
            }

            // One request with every row.
            JsonNode answer = post(server, "/v2/models/" + name + "/infer", inferRequest(expected));
            JsonNode rows = expected.path("rows");
            int n = rows.size();
            Map<String, JsonNode> byName = new LinkedHashMap<>();
            answer.path("outputs").forEach(o -> byName.put(o.path("name").asText(), o));
            if (regression) {
                JsonNode values = byName.get(valueOutput);
                assertEquals("[" + n + ",1]", values.path("shape").toString());
                for (int r = 0; r < n; r++) {
                    double want = rows.get(r).path("value").asDouble();
                    assertEquals(
                            want,
                            values.path("data").get(r).asDouble(),
                            1e-5 * Math.max(1, Math.abs(want)),
                            fixture + " row " + rows.get(r).path("row").asInt());
                }
            } else {
                JsonNode labels = byName.get("label");
                JsonNode probabilities = byName.get("probabilities");
                List<String> classes = new ArrayList<>();
                expected.path("classes").forEach(c -> classes.add(c.asText()));
                assertEquals("[" + n + "]", labels.path("shape").toString());
                assertEquals(
                        "[" + n + "," + classes.size() + "]",
                        probabilities.path("shape").toString());
                for (int r = 0; r < n; r++) {
                    JsonNode row = rows.get(r);
                    String where = fixture + " row " + row.path("row").asInt();
                    assertEquals(
                            row.path("label").asText(),
                            labels.path("data").get(r).asText(),
                            where);
                    for (int c = 0; c < classes.size(); c++) {
                        assertEquals(
                                row.path("probabilities").path(classes.get(c)).asDouble(),
                                probabilities
                                        .path("data")
                                        .get(r * classes.size() + c)
                                        .asDouble(),
                                1e-5,
                                where + " " + classes.get(c));
                    }
                }
            }
            checkCardPage(server, model, regression);
        }
    }

    /** /api/model: the task, every input and feature with its type and whether it may be missing, the classes. */
    private static void checkModelApi(JsonNode model, JsonNode expected) {
        assertEquals(expected.path("task").asText(), model.path("task").asText());
        List<String> features = new ArrayList<>();
        for (JsonNode input : expected.path("inputs")) {
            if (input.has("columns")) {
                input.path("columns").forEach(c -> features.add(c.asText()));
            } else {
                features.add(input.path("name").asText());
            }
        }
        List<String> served = new ArrayList<>();
        for (JsonNode feature : model.path("features")) {
            served.add(feature.path("name").asText());
            assertTrue(feature.path("missing_allowed").isBoolean(), feature::toString);
            assertFalse(feature.path("input").asText().isEmpty(), feature::toString);
        }
        assertEquals(features, served);
        for (JsonNode input : expected.path("inputs")) {
            if (input.has("columns")) {
                continue;
            }
            JsonNode feature = model.path("features")
                    .get(features.indexOf(input.path("name").asText()));
            assertEquals(input.path("type").asText(), feature.path("type").asText(), feature::toString);
            assertEquals(
                    input.path("missing_allowed").asBoolean(),
                    feature.path("missing_allowed").asBoolean(),
                    feature::toString);
            if (input.path("type").asText().equals("string")) {
                assertTrue(
                        feature.path("categories").size() > 0,
                        () -> "a one-hot encoded text has categories: " + feature);
            }
        }
        assertEquals(expected.path("inputs").size(), model.path("inputs").size());
        assertEquals(expected.path("inputs").size() == 1, model.has("input"), "'input' only for a model of one input");
        List<String> classes = new ArrayList<>();
        model.path("classes").forEach(c -> classes.add(c.path("label").asText()));
        List<String> expectedClasses = new ArrayList<>();
        expected.path("classes").forEach(c -> expectedClasses.add(c.asText()));
        assertEquals(expectedClasses, classes);
    }

    /**
     * The card page lists every feature in its table of features (a line of its own, or its tensor's line of like
     * columns), and has no classes for a regressor.
     */
    private static void checkCardPage(TabserveServer server, JsonNode model, boolean regression) throws Exception {
        HttpResponse<String> page = HTTP.send(
                HttpRequest.newBuilder(server.uri("/card"))
                        .header("Accept", "text/html")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode());
        String html = page.body();
        String table = html.substring(
                html.indexOf("id=\"input-table\""), html.indexOf("</table>", html.indexOf("id=\"input-table\"")));
        for (JsonNode feature : model.path("features")) {
            String name = feature.path("name").asText();
            assertTrue(
                    table.contains("data-feature=\"" + name + "\"")
                            || table.matches("(?s).*data-feature=\"[^\"]*\\b" + java.util.regex.Pattern.quote(name)
                                    + "\\b[^\"]*\".*"),
                    feature::toString);
        }
        // The fact's <dd> may carry attributes (dir="auto": metadata text is isolated from the page's direction).
        assertTrue(
                java.util.regex.Pattern.compile(
                                "<dt>Task</dt><dd[^>]*>" + (regression ? "regression" : "classification"))
                        .matcher(html)
                        .find(),
                html);
        assertEquals(!regression, html.contains("<dt>Classes</dt>"), "classes only for a classifier");
    }

    /** Every row of the fixture as one v2 request: one tensor per input, null for a missing value. */
    public static Map<String, Object> inferRequest(JsonNode expected) {
        JsonNode rows = expected.path("rows");
        List<Map<String, Object>> tensors = new ArrayList<>();
        for (JsonNode input : expected.path("inputs")) {
            List<String> columns = new ArrayList<>();
            if (input.has("columns")) {
                input.path("columns").forEach(c -> columns.add(c.asText()));
            } else {
                columns.add(input.path("name").asText());
            }
            List<Object> data = new ArrayList<>();
            for (JsonNode row : rows) {
                for (String column : columns) {
                    data.add(row.path("inputs").get(column));
                }
            }
            Map<String, Object> tensor = new LinkedHashMap<>();
            tensor.put("name", input.path("name").asText());
            tensor.put("shape", List.of(rows.size(), columns.size()));
            tensor.put("datatype", v2Datatype(input.path("type").asText()));
            tensor.put("data", data);
            tensors.add(tensor);
        }
        return Map.of("id", "all-rows", "inputs", tensors);
    }

    public static String v2Datatype(String type) {
        return switch (type) {
            case "string" -> "BYTES";
            case "float" -> "FP32";
            case "double" -> "FP64";
            case "int64" -> "INT64";
            case "int32" -> "INT32";
            case "bool" -> "BOOL";
            default -> throw new IllegalArgumentException(type);
        };
    }

    private static JsonNode get(TabserveServer server, String path) throws IOException, InterruptedException {
        HttpResponse<String> response =
                HTTP.send(HttpRequest.newBuilder(server.uri(path)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), path + ": " + response.body());
        return JSON.readTree(response.body());
    }

    private static JsonNode post(TabserveServer server, String path, Object body)
            throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(server.uri(path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(
                200,
                response.statusCode(),
                () -> path + ": "
                        + response.body()
                                .substring(0, Math.min(2000, response.body().length())));
        return JSON.readTree(response.body());
    }
}
