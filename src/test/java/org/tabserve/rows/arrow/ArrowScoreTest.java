package org.tabserve.rows.arrow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.tabserve.cli.CsvScoring;
import org.tabserve.model.Model;
import org.tabserve.model.onnx.OnnxModelLoader;
import org.tabserve.rows.RowFormat;
import org.tabserve.rows.field.OnError;
import org.tabserve.rows.write.AnswerTable;
import org.tabserve.rows.write.CsvAnswer;
import org.tabserve.testing.TableFiles;

/**
 * The bundled model scores the bank notes read from an Arrow stream and answers them in Arrow as {@code score} does,
 * with the labels and probabilities the CSV of the same rows gets in CSV (real ONNX Runtime, every core), and with
 * {@code --on-error row} a bad row in its place with its error.
 */
class ArrowScoreTest {

    private static final Path DATA = Path.of("data/BankNote_Authentication.csv");

    @Test
    void theBankNotesFromArrowAreAnsweredInArrowAsTheCsvIsInCsv() throws IOException {
        List<String> lines = Files.readAllLines(DATA);
        byte[] csv = String.join(
                        "\n",
                        lines.stream()
                                .map(l -> l.substring(0, l.lastIndexOf(',')))
                                .toList())
                .getBytes(StandardCharsets.UTF_8);
        byte[] arrow = arrowOf(lines, -1);
        ByteArrayOutputStream csvAnswer = new ByteArrayOutputStream();
        ByteArrayOutputStream arrowAnswer = new ByteArrayOutputStream();
        try (Model model = OnnxModelLoader.load(Path.of("model.onnx"))) {
            CsvScoring.writeScored(
                    model,
                    () -> new ByteArrayInputStream(csv),
                    RowFormat.CSV,
                    RowFormat.CSV.writer(csvAnswer),
                    OnError.REJECT,
                    rows -> {});
            CsvScoring.writeScored(
                    model,
                    () -> new ByteArrayInputStream(arrow),
                    RowFormat.ARROW,
                    RowFormat.ARROW.writer(arrowAnswer),
                    OnError.REJECT,
                    rows -> {});
        }
        List<String> expected = new String(csvAnswer.toByteArray(), StandardCharsets.UTF_8)
                .lines()
                .toList();
        List<String> header = List.of(expected.get(0).split(","));
        assertEquals(
                List.of("variance", "skewness", "curtosis", "entropy", "label", "probability_0", "probability_1"),
                header);
        int row = 0;
        try (BufferAllocator allocator = new RootAllocator();
                ArrowStreamReader reader = ArrowAnswerStreams.open(arrowAnswer.toByteArray(), allocator)) {
            VectorSchemaRoot root = reader.getVectorSchemaRoot();
            assertEquals(
                    header,
                    root.getSchema().getFields().stream().map(Field::getName).toList());
            while (reader.loadNextBatch()) {
                for (int r = 0; r < root.getRowCount(); r++, row++) {
                    String[] cells = expected.get(row + 1).split(",");
                    assertEquals(Double.parseDouble(cells[0]), ((Float8Vector) root.getVector(0)).get(r));
                    assertEquals(
                            cells[4],
                            ((VarCharVector) root.getVector(4)).getObject(r).toString());
                    assertEquals(Double.parseDouble(cells[6]), ((Float8Vector) root.getVector(6)).get(r), 1e-12);
                }
            }
        }
        assertEquals(lines.size() - 1, row);
    }

    @Test
    void withOnErrorRowABadRowIsAnsweredInItsPlaceWithItsError() throws IOException {
        List<String> lines = Files.readAllLines(DATA).subList(0, 6);
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        try (Model model = OnnxModelLoader.load(Path.of("model.onnx"))) {
            long refused = CsvScoring.writeScored(
                    model,
                    () -> new ByteArrayInputStream(arrowOf(lines, 2)),
                    RowFormat.ARROW,
                    RowFormat.ARROW.writer(answer),
                    OnError.ROW,
                    rows -> {});
            assertEquals(1, refused);
        }
        try (BufferAllocator allocator = new RootAllocator();
                ArrowStreamReader reader = ArrowAnswerStreams.open(answer.toByteArray(), allocator)) {
            VectorSchemaRoot root = reader.getVectorSchemaRoot();
            assertTrue(reader.loadNextBatch());
            assertEquals(5, root.getRowCount());
            assertTrue(root.getVector("label").isNull(2));
            assertTrue(root.getVector("variance").isNull(2));
            assertEquals(
                    Double.parseDouble(lines.get(3).split(",")[1]),
                    ((Float8Vector) root.getVector("skewness")).get(2),
                    "the bad row's other cells, typed");
            String error = root.getVector(CsvAnswer.ERROR_COLUMN).getObject(2).toString();
            assertEquals("variance: missing value for 'variance'", error);
            assertTrue(root.getVector(CsvAnswer.ERROR_COLUMN).isNull(0));
        }
    }

    @Test
    void invocationsAnswerTableHasTheAnswersColumnsAloneAndABadRowsError() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Model model = OnnxModelLoader.load(Path.of("model.onnx"))) {
            java.util.List<org.tabserve.model.answer.AnsweredRow.Scored> answers = new java.util.ArrayList<>();
            answers.add(new org.tabserve.model.answer.AnsweredRow.Scored(
                    new org.tabserve.model.signature.Prediction.Classification(
                            "1", List.of("0", "1"), List.of(0.25, 0.75)),
                    null,
                    null,
                    null,
                    null));
            answers.add(null);
            org.tabserve.model.answer.AnswerAssembler scoring =
                    org.tabserve.model.answer.AnswerAssembler.offline(model);
            AnswerTable.write(
                    RowFormat.ARROW.writer(out),
                    scoring.shape(),
                    scoring.source(),
                    answers,
                    List.of("", "variance: missing value for 'variance'"));
        }
        try (BufferAllocator allocator = new RootAllocator();
                ArrowStreamReader reader = ArrowAnswerStreams.open(out.toByteArray(), allocator)) {
            VectorSchemaRoot root = reader.getVectorSchemaRoot();
            assertEquals(
                    List.of("label", "probability_0", "probability_1", CsvAnswer.ERROR_COLUMN),
                    root.getSchema().getFields().stream().map(Field::getName).toList());
            assertTrue(reader.loadNextBatch());
            assertEquals("1", root.getVector("label").getObject(0).toString());
            assertEquals(0.75, ((Float8Vector) root.getVector("probability_1")).get(0));
            assertTrue(root.getVector("label").isNull(1));
            assertTrue(root.getVector(CsvAnswer.ERROR_COLUMN)
                    .getObject(1)
                    .toString()
                    .startsWith("variance:"));
        }
    }

    /** The rows of the bank-note CSV lines (header first) as an Arrow stream of float64 columns; one variance null. */
    private static byte[] arrowOf(List<String> lines, int nullVarianceRow) throws IOException {
        ArrowType type = new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
        List<String> names = List.of("variance", "skewness", "curtosis", "entropy");
        try (BufferAllocator allocator = new RootAllocator();
                VectorSchemaRoot root = VectorSchemaRoot.create(
                        new Schema(
                                names.stream().map(n -> Field.nullable(n, type)).toList()),
                        allocator)) {
            root.allocateNew();
            int rows = lines.size() - 1;
            for (int r = 0; r < rows; r++) {
                String[] cells = lines.get(r + 1).split(",");
                for (int c = 0; c < 4; c++) {
                    Float8Vector vector = (Float8Vector) root.getVector(c);
                    if (c == 0 && r == nullVarianceRow) {
                        vector.setNull(r);
                    } else {
                        vector.setSafe(r, Double.parseDouble(cells[c]));
                    }
                }
            }
            root.setRowCount(rows);
            return TableFiles.write(root, List.of());
        }
    }
}
