package org.tabserve.rows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tabserve.model.Model;
import org.tabserve.model.onnx.OnnxModelLoader;
import org.tabserve.model.signature.Feature;
import org.tabserve.model.signature.FieldError;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.rows.field.FieldProblem;
import org.tabserve.rows.field.OnError;
import org.tabserve.rows.field.RowsException;
import org.tabserve.rows.json.JsonRowsParser;
import org.tabserve.rows.read.CellRows;
import org.tabserve.rows.read.RowChunk;
import org.tabserve.testing.TableFiles;

/**
 * Issue 66: one refusal, one wording, one row number. The same missing number (the second row's {@code variance} of
 * the bank notes, a model of numbers only, and its {@code flipper_length_mm} of a penguin model with a text input)
 * sent as JSON's {@code null} and {@code NaN}, an empty CSV cell (refusing the file, and in its place), JSON Lines'
 * {@code null}, an Arrow null, a Parquet null, an empty query value and the null cell Spark hands the core reads the
 * one message the model words for it, {@code missing value for '...'}, and is at row 1 wherever a row is named:
 * rows are counted from 0 in every format.
 */
class RefusalWordsTest {

    /** One way of sending the rows: what it was told, by field and row. */
    private record Told(String how, List<FieldProblem> problems) {}

    @ParameterizedTest
    @CsvSource({
        "model.onnx, data/BankNote_Authentication.csv, variance",
        "src/test/resources/org/tabserve/fixtures/penguins/kg-as-text.onnx,"
                + " src/test/resources/org/tabserve/fixtures/penguins/kg-as-text.inputs.csv, flipper_length_mm"
    })
    void aMissingNumberReadsAlikeInEveryFormatAndInSparksCellsAtRowOne(String modelFile, String data, String missing)
            throws Exception {
        try (Model model = OnnxModelLoader.load(Path.of(modelFile))) {
            ModelSignature signature = model.signature();
            List<String> lines = Files.readAllLines(Path.of(data));
            List<String> header = List.of(lines.get(0).split(","));
            Map<String, String> row = new LinkedHashMap<>();
            String[] cells = lines.get(1).split(",");
            for (Feature feature : signature.features()) {
                row.put(feature.name(), cells[header.indexOf(feature.name())]);
            }
            List<Told> told = new ArrayList<>();
            told.add(new Told("JSON null", json(signature, row, missing, "null")));
            told.add(new Told("JSON NaN", json(signature, row, missing, "NaN")));
            told.add(new Told("an empty CSV cell", refused(RowFormat.CSV, signature, csv(row, missing))));
            told.add(new Told("an empty CSV cell, in its place", inPlace(RowFormat.CSV, signature, csv(row, missing))));
            told.add(new Told(
                    "JSON Lines' null", refused(RowFormat.JSON_LINES, signature, jsonLines(signature, row, missing))));
            told.add(new Told("an Arrow null", refused(RowFormat.ARROW, signature, arrow(signature, row, missing))));
            told.add(new Told(
                    "an Arrow null, in its place",
                    inPlace(RowFormat.ARROW, signature, arrow(signature, row, missing))));
            told.add(new Told(
                    "a Parquet null", refused(RowFormat.PARQUET, signature, parquet(signature, row, missing))));
            told.add(new Told("an empty query value", query(signature, row, missing)));
            told.add(new Told("Spark's null cell", spark(model, row, missing)));
            List<String> expected = new ArrayList<>();
            List<String> got = new ArrayList<>();
            for (Told t : told) {
                // A lone row (the query's) has no row number.
                Integer at = t.how().equals("an empty query value") ? null : 1;
                expected.add(
                        t.how() + ": [" + new FieldProblem(missing, "missing value for '" + missing + "'", at) + "]");
                got.add(t.how() + ": " + t.problems());
            }
            assertEquals(String.join("\n", expected), String.join("\n", got));
        }
    }

    /**
     * The other causes a typed format can carry without text, in the words of the one place that words them: an
     * infinity (JSON's {@code Infinity}, a float64 infinity in Arrow or Parquet, Spark's {@code Double} infinity)
     * and a boolean for a number (JSON's {@code true}, a boolean column in Arrow or Parquet, Spark's {@code Boolean}).
     * Before, each format had its own words: JSON "is out of range: Infinity", Arrow "must be a finite number, got
     * Infinity", Spark "feature '...' is Infinity"; Arrow and Spark "got the boolean true", JSON "got a boolean".
     */
    @ParameterizedTest
    @CsvSource({
        "model.onnx, data/BankNote_Authentication.csv, variance",
        "src/test/resources/org/tabserve/fixtures/penguins/kg-as-text.onnx,"
                + " src/test/resources/org/tabserve/fixtures/penguins/kg-as-text.inputs.csv, flipper_length_mm"
    })
    void anInfinityAndABooleanForANumberReadAlikeInEveryFormatThatCarriesThem(
            String modelFile, String data, String target) throws Exception {
        try (Model model = OnnxModelLoader.load(Path.of(modelFile))) {
            ModelSignature signature = model.signature();
            List<String> lines = Files.readAllLines(Path.of(data));
            List<String> header = List.of(lines.get(0).split(","));
            Map<String, String> row = new LinkedHashMap<>();
            String[] cells = lines.get(1).split(",");
            for (Feature feature : signature.features()) {
                row.put(feature.name(), cells[header.indexOf(feature.name())]);
            }
            Map<String, List<FieldProblem>> infinity = new LinkedHashMap<>();
            infinity.put("JSON", json(signature, row, target, "Infinity"));
            infinity.put(
                    "Arrow",
                    refused(RowFormat.ARROW, signature, arrow(signature, row, target, Double.POSITIVE_INFINITY)));
            infinity.put(
                    "Parquet",
                    refused(RowFormat.PARQUET, signature, parquet(signature, row, target, Double.POSITIVE_INFINITY)));
            infinity.put("Spark", spark(model, row, target, Double.POSITIVE_INFINITY));
            assertOneMessage("'" + target + "' is Infinity; a finite number is required", target, infinity);

            Map<String, List<FieldProblem>> flag = new LinkedHashMap<>();
            flag.put("JSON", json(signature, row, target, "true"));
            flag.put(
                    "Arrow, both rows",
                    refused(RowFormat.ARROW, signature, arrow(signature, row, target, Boolean.TRUE)));
            flag.put(
                    "Parquet, both rows",
                    refused(RowFormat.PARQUET, signature, parquet(signature, row, target, Boolean.TRUE)));
            flag.put("Spark", spark(model, row, target, Boolean.TRUE));
            assertOneMessage("'" + target + "' must be a number, got a boolean", target, flag);
        }
    }

    /**
     * Every format told of {@code field} alone, in {@code expected}'s words, at row 1 (counted from 0), and at row 0
     * too where the format's name ends in "both rows".
     */
    private static void assertOneMessage(String expected, String field, Map<String, List<FieldProblem>> told) {
        List<String> got = new ArrayList<>();
        List<String> wanted = new ArrayList<>();
        told.forEach((how, problems) -> {
            got.add(how + ": "
                    + problems.stream()
                            .map(p -> p.field() + "@" + p.row() + " " + p.message())
                            .toList());
            // A column of booleans holds the first row's value too: Arrow and Parquet name both rows.
            boolean both = how.endsWith("both rows");
            wanted.add(how + ": "
                    + (both
                            ? List.of(field + "@0 " + expected, field + "@1 " + expected)
                            : List.of(field + "@1 " + expected)));
        });
        assertEquals(String.join("\n", wanted), String.join("\n", got));
    }

    private static InputStream bytes(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    /** A JSON value for a cell as the CSV wrote it. */
    private static String jsonValue(Feature feature, String text) {
        return feature.type().isNumber() || text.equals("true") || text.equals("false") ? text : "\"" + text + "\"";
    }

    private static String jsonObject(ModelSignature signature, Map<String, String> row, String missing, String sent) {
        StringBuilder object = new StringBuilder("{");
        for (Feature feature : signature.features()) {
            object.append(object.length() > 1 ? ", " : "")
                    .append('"')
                    .append(feature.name())
                    .append("\": ")
                    .append(feature.name().equals(missing) ? sent : jsonValue(feature, row.get(feature.name())));
        }
        return object.append('}').toString();
    }

    private static List<FieldProblem> json(
            ModelSignature signature, Map<String, String> row, String missing, String sent) {
        String body = "{\"instances\": [" + jsonObject(signature, row, null, null) + ", "
                + jsonObject(signature, row, missing, sent) + "]}";
        return assertThrows(RowsException.class, () -> new JsonRowsParser(signature, 10).parse(bytes(body)))
                .errors();
    }

    private static byte[] csv(Map<String, String> row, String missing) {
        StringBuilder text = new StringBuilder(String.join(",", row.keySet())).append('\n');
        text.append(String.join(",", row.values())).append('\n');
        List<String> second = new ArrayList<>();
        row.forEach((name, value) -> second.add(name.equals(missing) ? "" : value));
        text.append(String.join(",", second)).append('\n');
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] jsonLines(ModelSignature signature, Map<String, String> row, String missing) {
        String text =
                jsonObject(signature, row, null, null) + "\n" + jsonObject(signature, row, missing, "null") + "\n";
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] arrow(ModelSignature signature, Map<String, String> row, String missing) throws IOException {
        return arrow(signature, row, missing, null);
    }

    /**
     * Two rows of Arrow columns, the second's {@code target} cell {@code sent} (null, a Double or a Boolean); a
     * Boolean makes {@code target}'s column a boolean one, so both its cells are.
     */
    private static byte[] arrow(ModelSignature signature, Map<String, String> row, String target, Object sent)
            throws IOException {
        try (BufferAllocator allocator = new RootAllocator()) {
            List<FieldVector> columns = new ArrayList<>();
            try {
                for (Feature feature : signature.features()) {
                    Object[] cells = {cell(feature, row, target, sent, 0), cell(feature, row, target, sent, 1)};
                    FieldVector column;
                    if (cells[0] instanceof Double) {
                        column = new Float8Vector(feature.name(), allocator);
                    } else if (cells[0] instanceof Long) {
                        column = new BigIntVector(feature.name(), allocator);
                    } else if (cells[0] instanceof Boolean) {
                        column = new BitVector(feature.name(), allocator);
                    } else {
                        column = new VarCharVector(feature.name(), allocator);
                    }
                    column.setInitialCapacity(2);
                    column.allocateNew();
                    for (int r = 0; r < 2; r++) {
                        Object value = cells[r];
                        if (value instanceof Double d) {
                            ((Float8Vector) column).set(r, d);
                        } else if (value instanceof Long l) {
                            ((BigIntVector) column).set(r, l);
                        } else if (value instanceof Boolean b) {
                            ((BitVector) column).set(r, b ? 1 : 0);
                        } else if (value != null) {
                            ((VarCharVector) column).setSafe(r, value.toString().getBytes(StandardCharsets.UTF_8));
                        } // null: left null
                    }
                    column.setValueCount(2);
                    columns.add(column);
                }
                try (VectorSchemaRoot root = new VectorSchemaRoot(columns)) {
                    root.setRowCount(2);
                    return TableFiles.write(root, List.of());
                }
            } finally {
                columns.forEach(FieldVector::close);
            }
        }
    }

    /**
     * The cell of row {@code r} (0 or 1) for {@code feature} as a typed format carries it: the data's value read by the
     * feature's type, but {@code sent} for the second row's {@code target} (and for the first's too when {@code sent}
     * is a Boolean, which makes its column a boolean one).
     */
    private static Object cell(Feature feature, Map<String, String> row, String target, Object sent, int r) {
        if (feature.name().equals(target) && (r == 1 || sent instanceof Boolean)) {
            return sent;
        }
        String text = row.get(feature.name());
        return switch (feature.type()) {
            case FLOAT, DOUBLE -> Double.parseDouble(text);
            case INT64, INT32 -> Long.parseLong(text);
            case BOOL -> Boolean.parseBoolean(text);
            case STRING -> text;
        };
    }

    private static byte[] parquet(ModelSignature signature, Map<String, String> row, String missing)
            throws IOException {
        return parquet(signature, row, missing, null);
    }

    /** {@link #arrow(ModelSignature, Map, String, Object)}'s rows as a Parquet file. */
    private static byte[] parquet(ModelSignature signature, Map<String, String> row, String target, Object sent)
            throws IOException {
        StringBuilder schemaText = new StringBuilder("message rows {");
        for (Feature feature : signature.features()) {
            Object first = cell(feature, row, target, sent, 0);
            String type = first instanceof Double
                    ? " optional double "
                    : first instanceof Long
                            ? " optional int64 "
                            : first instanceof Boolean ? " optional boolean " : " optional binary ";
            schemaText.append(type).append(feature.name()).append(first instanceof String ? " (UTF8);" : ";");
        }
        MessageType schema =
                MessageTypeParser.parseMessageType(schemaText.append(" }").toString());
        return TableFiles.written(schema, groups -> {
            List<Group> written = new java.util.ArrayList<>();
            for (int r = 0; r < 2; r++) {
                Group group = groups.newGroup();
                for (Feature feature : signature.features()) {
                    Object value = cell(feature, row, target, sent, r);
                    if (value instanceof Double d) {
                        group.add(feature.name(), d);
                    } else if (value instanceof Long l) {
                        group.add(feature.name(), l);
                    } else if (value instanceof Boolean b) {
                        group.add(feature.name(), b);
                    } else if (value != null) {
                        group.add(feature.name(), value.toString());
                    } // null: left out
                }
                written.add(group);
            }
            return written;
        });
    }

    /** The problems of a file refused whole. */
    private static List<FieldProblem> refused(RowFormat format, ModelSignature signature, byte[] file) {
        return assertThrows(
                        RowsException.class,
                        () -> format.reader(signature, 100).readAll(new ByteArrayInputStream(file)))
                .errors();
    }

    /** The problems of the file's bad rows, each told in its place ({@code on_error=row}). */
    private static List<FieldProblem> inPlace(RowFormat format, ModelSignature signature, byte[] file)
            throws IOException {
        List<FieldProblem> problems = new ArrayList<>();
        for (RowChunk chunk :
                format.reader(signature, 100).onError(OnError.ROW).readAll(new ByteArrayInputStream(file))) {
            chunk.places().forEach(place -> problems.addAll(place.problems()));
        }
        return problems;
    }

    private static List<FieldProblem> query(ModelSignature signature, Map<String, String> row, String missing) {
        Map<String, String[]> parameters = new LinkedHashMap<>();
        row.forEach((name, value) -> parameters.put(name, new String[] {name.equals(missing) ? "" : value}));
        return new ParameterRowParser(signature).parse(parameters).errors();
    }

    /** The errors of Spark's rows: the cells as its Row hands them, a number column's as a Double or a Long. */
    private static List<FieldProblem> spark(Model model, Map<String, String> row, String target) {
        return spark(model, row, target, null);
    }

    private static List<FieldProblem> spark(Model model, Map<String, String> row, String target, Object sent) {
        List<Object[]> rows = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            List<Object> cells = new ArrayList<>();
            for (Feature feature : model.signature().features()) {
                cells.add(feature.name().equals(target) && r == 1 ? sent : cell(feature, row, target, null, r));
            }
            rows.add(cells.toArray());
        }
        List<List<FieldError>> checked = CellRows.check(model.signature(), rows).errors();
        List<FieldProblem> problems = new ArrayList<>();
        for (List<FieldError> errors : checked) {
            errors.forEach(e -> problems.add(new FieldProblem(e.field(), e.message(), e.row())));
        }
        return problems;
    }
}
