package org.tabserve.web.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tabserve.testing.BankNotes;
import org.tabserve.testing.Http;
import org.tabserve.testing.TableFiles;

/**
 * MLflow's scoring protocol ({@code POST /invocations}, {@code GET /ping}, {@code GET /version}) over real HTTP
 * against the packaged WAR: every layout of the whole bank-note data set gets, row for row, the labels
 * {@code /api/predict} gives for the same rows.
 */
class MlflowInvocationsTest {

    @RegisterExtension
    static final Http http = Http.sharingTheApp();

    /** Every row of the data, in file order. */
    private static List<BankNotes.Note> notes;
    /** The model's feature names in signature (graph) order, as GET /api/model states them. */
    private static List<String> signatureOrder;
    /** The labels /api/predict gives for {@link #notes}, in order. */
    private static List<String> expected;

    @BeforeAll
    static void askTheTabserveApiFirst() {
        notes = BankNotes.all();
        signatureOrder = new ArrayList<>();
        http.get("/api/model")
                .json()
                .path("input")
                .path("features")
                .forEach(f -> signatureOrder.add(f.path("name").asText()));
        ObjectNode body = Http.JSON.createObjectNode();
        ArrayNode instances = body.putArray("instances");
        notes.forEach(n -> instances.add(n.json()));
        expected = new ArrayList<>();
        http.postJson("/api/predict", body.toString())
                .json()
                .path("predictions")
                .forEach(p -> expected.add(p.path("label").asText()));
        assertEquals(notes.size(), expected.size());
        assertTrue(expected.contains("0") && expected.contains("1"), "both classes, so that a swap would show");
    }

    private static List<String> invocations(String contentType, String body) {
        return invocations(contentType, body, List.of());
    }

    /** @param ignored the columns the answer's warnings must name, once each: the model does not take them */
    private static List<String> invocations(String contentType, String body, List<String> ignored) {
        return invocations(contentType, body.getBytes(StandardCharsets.UTF_8), ignored);
    }

    private static List<String> invocations(String contentType, byte[] body, List<String> ignored) {
        JsonNode answer = http.post("/invocations", contentType, body).json();
        List<String> warned = new ArrayList<>();
        answer.path("warnings").forEach(w -> warned.add(w.path("feature").asText()));
        assertEquals(ignored, warned, answer::toString);
        assertEquals(
                ignored.isEmpty() ? 1 : 2,
                answer.size(),
                () -> "only predictions, as MLflow answers (and the" + " warnings when a column was ignored): "
                        + answer);
        List<String> labels = new ArrayList<>();
        answer.path("predictions").forEach(p -> {
            assertTrue(p.isTextual(), () -> "a label, not an object: " + p);
            labels.add(p.asText());
        });
        return labels;
    }

    private static List<String> invocations(ObjectNode body) {
        return invocations("application/json", body.toString());
    }

    @Test
    void aSplitDataFrameWithAnIndexAndAnExtraColumnGetsTheLabelsOfApiPredict() {
        ObjectNode body = Http.JSON.createObjectNode();
        ObjectNode split = body.putObject("dataframe_split");
        ArrayNode columns = split.putArray("columns").add("id");
        BankNotes.FEATURES.forEach(columns::add);
        ArrayNode index = split.putArray("index");
        ArrayNode data = split.putArray("data");
        for (int i = 0; i < notes.size(); i++) {
            index.add(i);
            ArrayNode row = data.addArray().add("note-" + i);
            BankNotes.Note note = notes.get(i);
            BankNotes.FEATURES.forEach(f -> row.add(note.value(f)));
        }
        assertEquals(expected, invocations("application/json", body.toString(), List.of("id")));
    }

    @Test
    void dataFrameRecordsGetTheLabelsOfApiPredict() {
        ObjectNode body = Http.JSON.createObjectNode();
        ArrayNode records = body.putArray("dataframe_records");
        notes.forEach(n -> records.add(n.json()));
        assertEquals(expected, invocations(body));
    }

    @Test
    void instancesAsArraysInTheModelsOrderAndInputsAsColumnsGetTheLabelsOfApiPredict() {
        ObjectNode rows = Http.JSON.createObjectNode();
        ArrayNode instances = rows.putArray("instances");
        notes.forEach(n -> {
            ArrayNode row = instances.addArray();
            signatureOrder.forEach(f -> row.add(n.value(f)));
        });
        rows.putObject("params").put("ignored", true);
        assertEquals(expected, invocations(rows));

        ObjectNode columns = Http.JSON.createObjectNode();
        ObjectNode inputs = columns.putObject("inputs");
        BankNotes.FEATURES.forEach(f -> {
            ArrayNode column = inputs.putArray(f);
            notes.forEach(n -> column.add(n.value(f)));
        });
        assertEquals(expected, invocations(columns));
    }

    @Test
    void aPandasCsvWithItsIndexColumnGetsTheLabelsOfApiPredict() {
        StringBuilder csv = new StringBuilder("," + String.join(",", BankNotes.FEATURES) + "\n");
        for (int i = 0; i < notes.size(); i++) {
            csv.append(i);
            BankNotes.Note note = notes.get(i);
            BankNotes.FEATURES.forEach(f -> csv.append(',').append(note.text().get(f)));
            csv.append('\n');
        }
        assertEquals(expected, invocations("text/csv", csv.toString()));
        assertEquals(expected, invocations("text/csv; charset=utf-8", csv.toString()));
    }

    /**
     * Issue 66: routes.md lists Arrow's file format for {@code /invocations} as {@code /predict_file} takes it, but the
     * route answered it 415. The notes as float64 columns, an Arrow IPC file and an Arrow IPC stream of the same rows.
     */
    @Test
    void anArrowFileBodyGetsTheLabelsOfApiPredictAsAnArrowStreamDoes() throws Exception {
        byte[] file;
        byte[] stream;
        try (BufferAllocator allocator = new RootAllocator()) {
            List<Float8Vector> columns = new ArrayList<>();
            for (String name : BankNotes.FEATURES) {
                Float8Vector column = new Float8Vector(name, allocator);
                column.allocateNew(notes.size());
                for (int r = 0; r < notes.size(); r++) {
                    column.set(r, notes.get(r).value(name));
                }
                column.setValueCount(notes.size());
                columns.add(column);
            }
            try (VectorSchemaRoot root = new VectorSchemaRoot(new ArrayList<FieldVector>(columns))) {
                root.setRowCount(notes.size());
                file = TableFiles.file(root);
                stream = TableFiles.write(root, List.of());
            }
        }
        assertEquals(expected, invocations("application/vnd.apache.arrow.stream", stream, List.of()));
        assertEquals(expected, invocations("application/vnd.apache.arrow.file", file, List.of()));
    }

    @Test
    void otherMediaTypesAndCharsetsAre415AsMlflowAnswersThem() {
        String body = "{\"instances\": [[1, 2, 3, 4]]}";
        for (String type : List.of(
                "application/csv",
                "text/plain",
                "application/json; charset=latin-1",
                "application/json; format=pandas-split")) {
            JsonNode problem = http.post("/invocations", type, body.getBytes(StandardCharsets.UTF_8))
                    .problem(415);
            assertTrue(problem.path("detail").asText().contains(type), problem::toString);
        }
    }

    @Test
    void badRowsAreA400NamingEachFieldAndRow() {
        JsonNode problem = http.post(
                        "/invocations",
                        "application/json",
                        ("{\"dataframe_records\": [" + BankNotes.genuine().json()
                                        + ", {\"variance\": \"x\", \"skewness\": 1, \"curtosis\": 1}]}")
                                .getBytes(StandardCharsets.UTF_8))
                .problem(400);
        List<String> errors = new ArrayList<>();
        problem.path("errors")
                .forEach(e -> errors.add(
                        e.path("field").asText() + "@" + e.path("row").asInt()));
        assertEquals(List.of("variance@1", "entropy@1"), errors, problem::toString);
    }

    @Test
    void pingAnswersAsMlflowsDoesAndVersionSaysTabservesVersion() {
        Http.Response ping = http.get("/ping");
        assertEquals(200, ping.status());
        assertEquals("\n", ping.text());
        Http.Response version = http.get("/version");
        assertEquals(200, version.status());
        assertEquals(http.get("/v2").json().path("version").asText(), version.text());
        assertEquals(405, http.get("/invocations").status());
        assertEquals(405, http.post("/ping", "application/json", new byte[0]).status());
    }

    @Test
    void healthIsMlflowsAliasOfPing() {
        Http.Response health = http.get("/health");
        assertEquals(200, health.status());
        assertEquals("\n", health.text());
        assertEquals(
                "GET, HEAD, OPTIONS",
                http.post("/health", "application/json", new byte[0])
                        .header("Allow")
                        .orElse(""));
        assertEquals(200, http.get("/health/live").status(), "tabserve's own health routes stay beside it");
    }
}
