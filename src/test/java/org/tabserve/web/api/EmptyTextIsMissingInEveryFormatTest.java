package org.tabserve.web.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tabserve.cli.FixtureCards;
import org.tabserve.testing.Http;
import org.tabserve.testing.ModelDirectory;
import org.tabserve.testing.Multipart;
import org.tabserve.testing.TableFiles;

/**
 * Issue 79, item 3: one meaning for nothing. The same rows, five of them with an empty sex ({@code empty-sex.csv}'s,
 * the penguins' first 13), sent as a JSON body (sex {@code ""}, and {@code null}), a CSV, JSON Lines (sex
 * {@code ""}), an Arrow stream and a Parquet file (sex an empty utf8 string, not a null) get the same answer to the
 * bit, row by row, with the same warnings: served with the card's {@code --text-missing-as missing}
 * ({@code species-sex-imputed}, whose sex encoder knows its imputer's word), each empty sex is taken as "missing"
 * and said so on its row, and the rows are answered as scikit-learn answered them with NaN there; served without
 * that word, every format is refused alike, naming {@code sex} on each of those rows and why. Before, a JSON
 * {@code ""} was taken as a category the model had not seen.
 */
class EmptyTextIsMissingInEveryFormatTest {

    private static final Path PENGUINS = ModelDirectory.PENGUINS;
    private static final List<String> TEXT = List.of("island", "sex");
    private static final List<String> FEATURES =
            List.of("island", "bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g", "sex");
    private static final ModelDirectory DIR = directory();

    @RegisterExtension
    static final Http http = Http.startingTheApp("--models", DIR.root().toString());

    /** The rows of empty-sex.csv, each by feature: text as sent ("" where empty), a number, or null where empty. */
    private static final List<Map<String, Object>> ROWS = rows();

    private static ModelDirectory directory() {
        try {
            ModelDirectory dir = ModelDirectory.empty();
            dir.copy(PENGUINS.resolve("species-sex-imputed.onnx"), "uncarded.onnx");
            FixtureCards.card(
                    PENGUINS.resolve("species-sex-imputed.onnx"),
                    Path.of("data/penguins.csv"),
                    "species",
                    dir.root().resolve("carded.onnx"),
                    "--text-missing-as",
                    "missing");
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Map<String, Object>> rows() {
        try {
            List<String> lines = Files.readAllLines(PENGUINS.resolve("empty-sex.csv"));
            List<String> header = List.of(lines.get(0).split(",", -1));
            List<Map<String, Object>> rows = new ArrayList<>();
            for (String line : lines.subList(1, lines.size())) {
                String[] cells = line.split(",", -1);
                Map<String, Object> row = new LinkedHashMap<>();
                for (String feature : FEATURES) {
                    String cell = cells[header.indexOf(feature)];
                    row.put(feature, TEXT.contains(feature) ? cell : cell.isEmpty() ? null : Double.valueOf(cell));
                }
                rows.add(row);
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The rows whose sex is empty, counted from 0 as answers and refusals count them. */
    private static List<Integer> emptySex() {
        List<Integer> empty = new ArrayList<>();
        for (int r = 0; r < ROWS.size(); r++) {
            if ("".equals(ROWS.get(r).get("sex"))) {
                empty.add(r);
            }
        }
        return empty;
    }

    @Test
    void everyFormatAnswersTheCardedModelAlikeTakingEachEmptySexAsItsImputersWord() throws IOException {
        Map<String, Http.Response> answers = sentInEveryFormat("carded");
        List<String> json = rowsOf("JSON \"\"", answers.get("JSON \"\""));
        for (Map.Entry<String, Http.Response> answer : answers.entrySet()) {
            assertEquals(json, rowsOf(answer.getKey(), answer.getValue()), answer.getKey() + " against JSON \"\"");
        }
        List<Integer> warned = new ArrayList<>();
        for (int r = 0; r < json.size(); r++) {
            if (json.get(r).contains("sex: 'sex' is missing and was taken as \"missing\", as the model card says")) {
                warned.add(r);
            }
        }
        assertEquals(emptySex(), warned, "each empty sex, and only those, was taken as \"missing\" and said so");
        assertScikitLearns(answers.get("JSON \"\"").json().path("predictions"));
    }

    @Test
    void everyFormatRefusesTheUncardedModelAlikeNamingSexOnEachEmptyRow() throws IOException {
        Map<String, Http.Response> answers = sentInEveryFormat("uncarded");
        List<String> json = refusalOf("JSON \"\"", answers.get("JSON \"\""));
        for (Map.Entry<String, Http.Response> answer : answers.entrySet()) {
            assertEquals(json, refusalOf(answer.getKey(), answer.getValue()), answer.getKey() + " against JSON \"\"");
        }
        List<String> expected = new ArrayList<>();
        for (int r : emptySex()) {
            expected.add(r + " sex: missing value for 'sex' (a text value cannot be missing); the model knows"
                    + " \"missing\" among the values of 'sex', which is what a missing value becomes where the model"
                    + " was trained (an imputer's fill value): send \"missing\" where 'sex' is missing");
        }
        assertEquals(new TreeSet<>(expected), new TreeSet<>(json));
    }

    /** The rows sent to the model's JSON route as a body and to its upload route in each file format, by format. */
    private static Map<String, Http.Response> sentInEveryFormat(String model) throws IOException {
        Map<String, Http.Response> answers = new LinkedHashMap<>();
        String api = "/models/" + model + "/api/predict";
        String upload = "/models/" + model + "/predict_file";
        answers.put("JSON \"\"", http.postJson(api, jsonBody(false)));
        answers.put("JSON null", http.postJson(api, jsonBody(true)));
        answers.put("CSV", http.upload(upload, Multipart.csv(csv())));
        answers.put(
                "JSON Lines",
                http.upload(upload, new Multipart().file("file", "rows.jsonl", "application/x-ndjson", jsonLines())));
        answers.put(
                "Arrow",
                http.upload(
                        upload,
                        new Multipart().file("file", "rows.arrows", "application/vnd.apache.arrow.stream", arrow())));
        answers.put(
                "Parquet",
                http.upload(
                        upload,
                        new Multipart().file("file", "rows.parquet", "application/vnd.apache.parquet", parquet())));
        return answers;
    }

    /** Each row's answer: its label, each class's probability by its bits, and its warnings. */
    private static List<String> rowsOf(String format, Http.Response response) {
        assertEquals(200, response.status(), format + ": " + response.text());
        List<String> rows = new ArrayList<>();
        for (JsonNode prediction : response.json().path("predictions")) {
            StringBuilder row = new StringBuilder(prediction.path("label").asText());
            for (Iterator<Map.Entry<String, JsonNode>> p =
                            prediction.path("probabilities").fields();
                    p.hasNext(); ) {
                Map.Entry<String, JsonNode> e = p.next();
                row.append(' ')
                        .append(e.getKey())
                        .append('=')
                        .append(Long.toHexString(
                                Double.doubleToRawLongBits(e.getValue().doubleValue())));
            }
            for (JsonNode warning : prediction.path("warnings")) {
                row.append(" | ")
                        .append(warning.path("feature").asText())
                        .append(": ")
                        .append(warning.path("message").asText());
            }
            rows.add(row.toString());
        }
        assertEquals(ROWS.size(), rows.size(), format + ": " + response.text());
        return rows;
    }

    /** A refusal's errors, each as its row, field and message. */
    private static List<String> refusalOf(String format, Http.Response response) {
        List<String> errors = new ArrayList<>();
        for (JsonNode error : response.problem(400).path("errors")) {
            errors.add(error.path("row").asInt() + " " + error.path("field").asText() + ": "
                    + error.path("message").asText());
        }
        assertTrue(!errors.isEmpty(), format + ": " + response.text());
        return errors;
    }

    /** scikit-learn's answers (recorded with NaN for an empty sex) for the rows whose sex is empty, within 1e-5. */
    private static void assertScikitLearns(JsonNode predictions) throws IOException {
        Map<Integer, JsonNode> recorded = new LinkedHashMap<>();
        for (JsonNode row : Http.JSON
                .readTree(PENGUINS.resolve("species-sex-imputed.expected.json").toFile())
                .path("rows")) {
            recorded.put(row.path("row").asInt(), row);
        }
        for (int r : emptySex()) {
            JsonNode want = recorded.get(r + 1); // the fixture counts data rows from 1
            JsonNode got = predictions.get(r);
            assertEquals(want.path("label").asText(), got.path("label").asText(), "row " + r);
            for (Iterator<Map.Entry<String, JsonNode>> p =
                            want.path("probabilities").fields();
                    p.hasNext(); ) {
                Map.Entry<String, JsonNode> e = p.next();
                assertEquals(
                        e.getValue().asDouble(),
                        got.path("probabilities").path(e.getKey()).asDouble(),
                        1e-5,
                        "row " + r + " " + e.getKey());
            }
        }
    }

    private static ObjectNode object(Map<String, Object> row, boolean emptyAsNull) {
        ObjectNode object = Http.JSON.createObjectNode();
        for (Map.Entry<String, Object> cell : row.entrySet()) {
            if (cell.getValue() == null || emptyAsNull && "".equals(cell.getValue())) {
                object.putNull(cell.getKey());
            } else if (cell.getValue() instanceof Double number) {
                object.put(cell.getKey(), number);
            } else {
                object.put(cell.getKey(), (String) cell.getValue());
            }
        }
        return object;
    }

    private static String jsonBody(boolean emptyAsNull) {
        ObjectNode body = Http.JSON.createObjectNode();
        ArrayNode instances = body.putArray("instances");
        ROWS.forEach(row -> instances.add(object(row, emptyAsNull)));
        return body.toString();
    }

    private static byte[] jsonLines() {
        StringBuilder lines = new StringBuilder();
        ROWS.forEach(row -> lines.append(object(row, false)).append('\n'));
        return lines.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String csv() {
        StringBuilder csv = new StringBuilder(String.join(",", FEATURES)).append('\n');
        for (Map<String, Object> row : ROWS) {
            List<String> cells = new ArrayList<>();
            row.values().forEach(v -> cells.add(v == null ? "" : v.toString()));
            csv.append(String.join(",", cells)).append('\n');
        }
        return csv.toString();
    }

    /** The rows as an Arrow stream: text as utf8 (an empty sex an empty string, not a null), numbers as float64. */
    private static byte[] arrow() throws IOException {
        try (BufferAllocator allocator = new RootAllocator()) {
            List<FieldVector> columns = new ArrayList<>();
            try {
                for (String feature : FEATURES) {
                    if (TEXT.contains(feature)) {
                        VarCharVector column = new VarCharVector(feature, allocator);
                        columns.add(column);
                        column.allocateNew(ROWS.size());
                        for (int r = 0; r < ROWS.size(); r++) {
                            column.setSafe(r, ((String) ROWS.get(r).get(feature)).getBytes(StandardCharsets.UTF_8));
                        }
                        column.setValueCount(ROWS.size());
                    } else {
                        Float8Vector column = new Float8Vector(feature, allocator);
                        columns.add(column);
                        column.allocateNew(ROWS.size());
                        for (int r = 0; r < ROWS.size(); r++) {
                            Object value = ROWS.get(r).get(feature);
                            if (value == null) {
                                column.setNull(r);
                            } else {
                                column.set(r, (Double) value);
                            }
                        }
                        column.setValueCount(ROWS.size());
                    }
                }
                VectorSchemaRoot root = new VectorSchemaRoot(List.copyOf(columns));
                root.setRowCount(ROWS.size());
                return TableFiles.write(root, List.of());
            } finally {
                columns.forEach(FieldVector::close);
            }
        }
    }

    /** The rows as a Parquet file: text as UTF8 binary (an empty sex an empty string, not a null), numbers as double. */
    private static byte[] parquet() throws IOException {
        StringBuilder fields = new StringBuilder("message penguins {");
        for (String feature : FEATURES) {
            fields.append(
                    TEXT.contains(feature)
                            ? " optional binary " + feature + " (UTF8);"
                            : " optional double " + feature + ";");
        }
        MessageType schema =
                MessageTypeParser.parseMessageType(fields.append(" }").toString());
        return TableFiles.written(schema, groups -> {
            List<Group> written = new ArrayList<>();
            for (Map<String, Object> row : ROWS) {
                Group group = groups.newGroup();
                for (Map.Entry<String, Object> cell : row.entrySet()) {
                    if (cell.getValue() instanceof String text) {
                        group.add(cell.getKey(), text);
                    } else if (cell.getValue() instanceof Double number) {
                        group.add(cell.getKey(), number);
                    }
                }
                written.add(group);
            }
            return written;
        });
    }
}
