package org.tabserve.web.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.tabserve.model.signature.CellChecker;
import org.tabserve.model.signature.Feature;
import org.tabserve.model.signature.ValueType;
import org.tabserve.testing.Http;
import org.tabserve.testing.ModelDirectory;
import org.tabserve.testing.Multipart;
import org.tabserve.testing.TableFiles;

/**
 * Issue 66, item 1: the XGBoost classifier of {@code fixtures/make_tree_checks.py}, whose card does not say that any
 * input may be missing, takes a missing value where its trees route it, in every format: JSON {@code null} and
 * {@code NaN}, an empty CSV cell, an Arrow null and a Parquet null, each row answered as XGBoost answered it (the
 * probabilities within 1e-6) and the same in every format; {@code GET /api/model} says each measurement may be missing
 * because of the trees. scikit-learn's GradientBoosting on the same measurements, whose trees route nothing, still
 * refuses a missing value with a 400 naming the field.
 *
 * <p>Issue 79, item 2: the same for XGBoost's classifier trained without a missing value ({@code xgb-sex-no-nan}, by
 * {@code hist}, XGBoost 2's default), whose every split sends one XGBoost's "no" way (tracks 0 throughout), which
 * tabserve refused before; GradientBoosting's refusal says why, in JSON and in a CSV, and names {@code card --missing};
 * {@code GET /api/model} gives each feature's {@code missing_reason}.
 */
class TreeMissingValuesTest {

    private static final Path TREES = Path.of("src/test/resources/org/tabserve/fixtures/trees");
    private static final List<String> MEASUREMENTS =
            List.of("bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g");
    private static final ModelDirectory DIR = directory();

    @RegisterExtension
    static final Http http = Http.startingTheApp("--models", DIR.root().toString());

    private static ModelDirectory directory() {
        try {
            ModelDirectory dir = ModelDirectory.empty();
            dir.copy(TREES.resolve("xgb-sex.onnx"), "xgb.onnx");
            dir.copy(TREES.resolve("xgb-sex-no-nan.onnx"), "xgb-no-nan.onnx");
            dir.copy(TREES.resolve("gb-sex.onnx"), "gb.onnx");
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The served XGBoost models, each with its fixture: trained with NaN in its rows, and without. */
    static List<Arguments> xgboostModels() {
        return List.of(Arguments.of("xgb", "xgb-sex"), Arguments.of("xgb-no-nan", "xgb-sex-no-nan"));
    }

    /** XGBoost's rows of the fixture's expected.json that have a missing measurement: inputs (null where missing), answer. */
    private static List<JsonNode> xgboostRowsWithAMissingValue(String fixture) throws IOException {
        JsonNode expected =
                Http.JSON.readTree(TREES.resolve(fixture + ".expected.json").toFile());
        List<JsonNode> rows = new ArrayList<>();
        for (JsonNode row : expected.get("rows")) {
            for (JsonNode input : row.get("inputs")) {
                if (input.isNull()) {
                    rows.add(row);
                    break;
                }
            }
        }
        assertTrue(rows.size() >= 40, rows.size() + " rows with a missing value");
        return rows;
    }

    @ParameterizedTest
    @MethodSource("xgboostModels")
    void jsonNullAndNanAreAnsweredAsXgboostAnswersAndEveryFormatAnswersAlike(String model, String fixture)
            throws Exception {
        List<JsonNode> rows = xgboostRowsWithAMissingValue(fixture);
        ArrayNode instances = Http.JSON.createArrayNode();
        StringBuilder csv = new StringBuilder(String.join(",", MEASUREMENTS)).append('\n');
        for (JsonNode row : rows) {
            ObjectNode instance = instances.addObject();
            List<String> cells = new ArrayList<>();
            for (int f = 0; f < MEASUREMENTS.size(); f++) {
                JsonNode value = row.get("inputs").get(f);
                instance.set(MEASUREMENTS.get(f), value);
                cells.add(value.isNull() ? "" : Float.toString(value.floatValue()));
            }
            csv.append(String.join(",", cells)).append('\n');
        }
        Http.Response json = http.postJson("/models/" + model + "/api/predict", "{\"instances\": " + instances + "}");
        assertEquals(200, json.status(), json.text());
        JsonNode predictions = json.json().get("predictions");
        for (int r = 0; r < rows.size(); r++) {
            JsonNode ours = predictions.get(r);
            JsonNode theirs = rows.get(r);
            String where = "data row " + theirs.get("row") + " " + theirs.get("inputs");
            assertEquals(theirs.get("label").asText(), ours.get("label").asText(), where);
            for (int c = 0; c < 2; c++) {
                double p = theirs.get("probabilities").get(c).asDouble();
                assertEquals(p, ours.at("/probabilities/" + c).asDouble(), 1e-6, where);
            }
        }
        String nan = instances.toString().replace("null", "NaN"); // as Python's json.dumps writes pandas' NaN
        assertEquals(
                predictions,
                http.postJson("/models/" + model + "/api/predict", "{\"instances\": " + nan + "}")
                        .json()
                        .get("predictions"));
        byte[] text = csv.toString().getBytes(StandardCharsets.UTF_8);
        assertEquals(predictions, uploaded(model, new Multipart().file("file", "rows.csv", "text/csv", text)));
        assertEquals(
                predictions,
                uploaded(
                        model,
                        new Multipart()
                                .file("file", "rows.arrows", "application/vnd.apache.arrow.stream", arrow(rows))));
        assertEquals(
                predictions,
                uploaded(
                        model,
                        new Multipart().file("file", "rows.parquet", "application/vnd.apache.parquet", parquet(rows))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"xgb", "xgb-no-nan"})
    void theModelSaysEveryMeasurementMayBeMissingBecauseOfItsTrees(String model) {
        for (JsonNode feature :
                http.get("/models/" + model + "/api/model").json().get("features")) {
            assertTrue(feature.get("missing_allowed").asBoolean(), feature::toString);
            assertEquals("trees", feature.get("missing_because").asText(), feature::toString);
            assertTrue(feature.get("missing_reason").asText().startsWith("its trees route it"), feature::toString);
        }
    }

    @Test
    void theModelSaysWhyGradientBoostingTakesNoMissingValueAndTheWayOn() {
        for (JsonNode feature : http.get("/models/gb/api/model").json().get("features")) {
            assertEquals(false, feature.get("missing_allowed").asBoolean(), feature::toString);
            assertTrue(feature.path("missing_because").isMissingNode(), feature::toString);
            String reason = feature.get("missing_reason").asText();
            assertTrue(reason.startsWith("its trees take none"), feature::toString);
            assertTrue(reason.contains("card --missing " + feature.get("name").asText()), feature::toString);
        }
    }

    /**
     * The 400 names the field, says why (its trees take none, as scikit-learn's GradientBoosting is exported) and the
     * way on ({@code card --missing} with the field), in JSON ({@code null} and {@code NaN}) and for an empty CSV cell
     * alike.
     */
    @Test
    void treesThatRouteNothingStillRefuseAMissingValueNamingTheFieldWhyAndTheWayOn() {
        String expected =
                CellChecker.missing(new Feature("bill_length_mm", ValueType.FLOAT, null, List.of(), false, null, true));
        assertTrue(
                expected.startsWith("missing value for 'bill_length_mm' (its trees take none")
                        && expected.contains("scikit-learn's GradientBoosting")
                        && expected.contains("card --missing bill_length_mm"),
                expected);
        for (String value : List.of("null", "NaN")) {
            Http.Response refused = http.postJson(
                    "/models/gb/api/predict",
                    "{\"bill_length_mm\": " + value + ", \"bill_depth_mm\": 18.7, \"flipper_length_mm\": 181,"
                            + " \"body_mass_g\": 3750}");
            assertEquals(List.of("bill_length_mm"), refused.errorFields(400), refused.text());
            assertEquals(expected, refused.problem(400).at("/errors/0/message").asText(), refused.text());
        }
        byte[] csv = (String.join(",", MEASUREMENTS) + "\n,18.7,181,3750\n").getBytes(StandardCharsets.UTF_8);
        Http.Response refused =
                http.upload("/models/gb/predict_file", new Multipart().file("file", "rows.csv", "text/csv", csv));
        assertEquals(List.of("bill_length_mm"), refused.errorFields(400), refused.text());
        assertEquals(expected, refused.problem(400).at("/errors/0/message").asText(), refused.text());
    }

    private static JsonNode uploaded(String model, Multipart file) {
        Http.Response response = http.upload("/models/" + model + "/predict_file", file);
        assertEquals(200, response.status(), response.text());
        return response.json().get("predictions");
    }

    private static byte[] arrow(List<JsonNode> rows) throws IOException {
        try (BufferAllocator allocator = new RootAllocator()) {
            List<Float4Vector> columns = new ArrayList<>();
            try {
                for (int f = 0; f < MEASUREMENTS.size(); f++) {
                    Float4Vector column = new Float4Vector(MEASUREMENTS.get(f), allocator);
                    columns.add(column);
                    column.allocateNew(rows.size());
                    for (int r = 0; r < rows.size(); r++) {
                        JsonNode value = rows.get(r).get("inputs").get(f);
                        if (value.isNull()) {
                            column.setNull(r);
                        } else {
                            column.set(r, value.floatValue());
                        }
                    }
                    column.setValueCount(rows.size());
                }
                VectorSchemaRoot root = new VectorSchemaRoot(List.copyOf(columns));
                root.setRowCount(rows.size());
                return TableFiles.write(root, List.of());
            } finally {
                columns.forEach(Float4Vector::close);
            }
        }
    }

    private static byte[] parquet(List<JsonNode> rows) throws IOException {
        MessageType schema = MessageTypeParser.parseMessageType("message penguins { optional float bill_length_mm;"
                + " optional float bill_depth_mm; optional float flipper_length_mm; optional float body_mass_g; }");
        return TableFiles.written(schema, groups -> {
            List<Group> written = new java.util.ArrayList<>();
            for (JsonNode row : rows) {
                Group group = groups.newGroup();
                for (int f = 0; f < MEASUREMENTS.size(); f++) {
                    JsonNode value = row.get("inputs").get(f);
                    if (!value.isNull()) {
                        group.add(MEASUREMENTS.get(f), value.floatValue());
                    }
                }
                written.add(group);
            }
            return written;
        });
    }
}
