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
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.IpcOption;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
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
import org.tabserve.rows.write.ArrowRowsWriter;
import org.tabserve.rows.write.CsvAnswer;

/**
 * The Arrow path that reads a batch in slices and writes the answer column by column ({@link ArrowSlice},
 * {@link ArrowRowsWriter#rows}) answers what the CSV of the same cells is answered, row for row: 10,000 bank notes in
 * record batches of 3,000 rows (slices and chunks of 4,096 across batches), float64 and float32 features, an int64
 * and a utf8 column besides, and bad cells (a null, a NaN, an infinity) answered in their place.
 */
class ArrowSlicesTest {

    private static final int ROWS = 10_000;
    private static final int BATCH = 3_000;
    private static final List<Integer> BAD = List.of(1, 4_095, 4_096, 8_191, 9_999);

    @Test
    void slicedRowsAndTheColumnarAnswerAreTheCsvsRowForRow() throws IOException {
        List<String> notes = Files.readAllLines(Path.of("data/BankNote_Authentication.csv"));
        double[][] cells = new double[ROWS][];
        for (int r = 0; r < ROWS; r++) {
            String[] line = notes.get(1 + r % (notes.size() - 1)).split(",");
            // skewness is float32: its CSV text is the float's, so both inputs hold the same number
            cells[r] = new double[] {
                Double.parseDouble(line[0]),
                Float.parseFloat(line[1]),
                Double.parseDouble(line[2]),
                Double.parseDouble(line[3])
            };
        }
        withBadCells(cells);
        ByteArrayOutputStream arrowAnswer = new ByteArrayOutputStream();
        ByteArrayOutputStream csvAnswer = new ByteArrayOutputStream();
        try (Model model = OnnxModelLoader.load(Path.of("model.onnx"))) {
            byte[] arrow = arrowOf(cells);
            byte[] csv = csvOf(cells);
            assertEquals(
                    BAD.size(),
                    CsvScoring.writeScored(
                            model,
                            () -> new ByteArrayInputStream(arrow),
                            RowFormat.ARROW,
                            RowFormat.ARROW.writer(arrowAnswer),
                            OnError.ROW,
                            rows -> {}));
            assertEquals(
                    BAD.size(),
                    CsvScoring.writeScored(
                            model,
                            () -> new ByteArrayInputStream(csv),
                            RowFormat.CSV,
                            RowFormat.CSV.writer(csvAnswer),
                            OnError.ROW,
                            rows -> {}));
            // Without bad rows the answer is written column by column (OnError.REJECT): the same table.
            ByteArrayOutputStream columnar = new ByteArrayOutputStream();
            double[][] good = new double[ROWS][];
            for (int r = 0; r < ROWS; r++) {
                good[r] = cells[r].clone();
                if (BAD.contains(r)) {
                    good[r][2] = 1.5;
                    good[r][3] = -0.5;
                }
            }
            byte[] goodArrow = arrowOf(good);
            CsvScoring.writeScored(
                    model,
                    () -> new ByteArrayInputStream(goodArrow),
                    RowFormat.ARROW,
                    RowFormat.ARROW.writer(columnar),
                    OnError.REJECT,
                    rows -> {});
            ByteArrayOutputStream goodCsv = new ByteArrayOutputStream();
            CsvScoring.writeScored(
                    model,
                    () -> new ByteArrayInputStream(csvOf(good)),
                    RowFormat.CSV,
                    RowFormat.CSV.writer(goodCsv),
                    OnError.REJECT,
                    rows -> {});
            assertSameTable(columnar.toByteArray(), goodCsv, false);
        }
        assertSameTable(arrowAnswer.toByteArray(), csvAnswer, true);
    }

    /** The Arrow answer read back against the CSV answer's lines: typed input columns, label, probabilities. */
    private static void assertSameTable(byte[] arrow, ByteArrayOutputStream csv, boolean withErrors)
            throws IOException {
        List<String> expected =
                new String(csv.toByteArray(), StandardCharsets.UTF_8).lines().toList();
        List<String> header = List.of(expected.get(0).split(",", -1));
        int row = 0;
        try (BufferAllocator allocator = new RootAllocator();
                ArrowStreamReader reader = ArrowAnswerStreams.open(arrow, allocator)) {
            VectorSchemaRoot root = reader.getVectorSchemaRoot();
            assertEquals(
                    header,
                    root.getSchema().getFields().stream().map(Field::getName).toList());
            assertTrue(root.getVector("skewness") instanceof Float4Vector, "float32 echoed as float32");
            assertTrue(root.getVector("id") instanceof BigIntVector, "int64 echoed as int64");
            while (reader.loadNextBatch()) {
                for (int r = 0; r < root.getRowCount(); r++, row++) {
                    String[] want = expected.get(row + 1).split(",", -1);
                    assertEquals(row, ((BigIntVector) root.getVector("id")).get(r));
                    assertEquals(
                            "note " + row, root.getVector("note").getObject(r).toString());
                    assertEquals(
                            Float.parseFloat(want[header.indexOf("skewness")]),
                            ((Float4Vector) root.getVector("skewness")).get(r));
                    boolean bad = withErrors && BAD.contains(row);
                    String label = want[header.indexOf("label")];
                    assertEquals(bad, label.isEmpty(), "row " + row);
                    if (bad) {
                        assertTrue(root.getVector("label").isNull(r), "row " + row);
                        String error = root.getVector(CsvAnswer.ERROR_COLUMN)
                                .getObject(r)
                                .toString();
                        assertTrue(error.startsWith("curtosis:") || error.startsWith("entropy:"), error);
                        continue;
                    }
                    assertEquals(label, root.getVector("label").getObject(r).toString(), "row " + row);
                    for (String p : List.of("probability_0", "probability_1")) {
                        assertEquals(
                                Double.parseDouble(want[header.indexOf(p)]),
                                ((Float8Vector) root.getVector(p)).get(r),
                                1e-12,
                                "row " + row);
                    }
                    assertEquals(
                            Double.parseDouble(want[header.indexOf("variance")]),
                            ((Float8Vector) root.getVector("variance")).get(r));
                    if (withErrors) {
                        assertTrue(root.getVector(CsvAnswer.ERROR_COLUMN).isNull(r));
                    }
                }
            }
        }
        assertEquals(ROWS, row);
    }

    /** The rows as an Arrow stream of 3,000-row batches; in the BAD rows, a null, a NaN or an infinity. */
    private static byte[] arrowOf(double[][] cells) throws IOException {
        ArrowType float64 = new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
        Schema schema = new Schema(List.of(
                Field.nullable("id", new ArrowType.Int(64, true)),
                Field.nullable("variance", float64),
                Field.nullable("skewness", new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)),
                Field.nullable("curtosis", float64),
                Field.nullable("entropy", float64),
                Field.nullable("note", ArrowType.Utf8.INSTANCE)));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ArrowRowsWriter.HeapWriteChannel channel = new ArrowRowsWriter.HeapWriteChannel(bytes);
        try (BufferAllocator allocator = new RootAllocator();
                VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
            MessageSerializer.serialize(channel, schema);
            for (int from = 0; from < ROWS; from += BATCH) {
                root.allocateNew();
                int n = Math.min(BATCH, ROWS - from);
                for (int i = 0; i < n; i++) {
                    int r = from + i;
                    ((BigIntVector) root.getVector("id")).setSafe(i, r);
                    ((Float8Vector) root.getVector("variance")).setSafe(i, cells[r][0]);
                    ((Float4Vector) root.getVector("skewness")).setSafe(i, (float) cells[r][1]);
                    Float8Vector curtosis = (Float8Vector) root.getVector("curtosis");
                    Float8Vector entropy = (Float8Vector) root.getVector("entropy");
                    if (Double.isNaN(cells[r][2])) {
                        curtosis.setNull(i);
                    } else {
                        curtosis.setSafe(i, cells[r][2]);
                    }
                    entropy.setSafe(i, cells[r][3]);
                    ((VarCharVector) root.getVector("note")).setSafe(i, ("note " + r).getBytes(StandardCharsets.UTF_8));
                }
                root.setRowCount(n);
                try (ArrowRecordBatch batch = new VectorUnloader(root).getRecordBatch()) {
                    MessageSerializer.serialize(channel, batch);
                }
            }
            ArrowStreamWriter.writeEndOfStream(channel, IpcOption.DEFAULT);
        }
        return bytes.toByteArray();
    }

    /** The same rows as a CSV: a null as an empty cell, a NaN and an infinity as their text. */
    private static byte[] csvOf(double[][] cells) {
        StringBuilder csv = new StringBuilder("id,variance,skewness,curtosis,entropy,note\n");
        for (int r = 0; r < ROWS; r++) {
            csv.append(r).append(',').append(cells[r][0]).append(',').append((float) cells[r][1]);
            csv.append(',').append(Double.isNaN(cells[r][2]) ? "" : Double.toString(cells[r][2]));
            csv.append(',').append(text(cells[r][3])).append(",note ").append(r).append('\n');
        }
        return csv.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String text(double value) {
        return Double.isInfinite(value) ? "1e999" : Double.isNaN(value) ? "NaN" : Double.toString(value);
    }

    /** The BAD rows' cells made bad: a null curtosis (NaN in the array marks it), a NaN or an infinite entropy. */
    private static void withBadCells(double[][] cells) {
        for (int i = 0; i < BAD.size(); i++) {
            int r = BAD.get(i);
            switch (i % 3) {
                case 0 -> cells[r][2] = Double.NaN;
                case 1 -> cells[r][3] = Double.NaN;
                default -> cells[r][3] = Double.POSITIVE_INFINITY;
            }
        }
    }
}
