package org.tabserve.rows.write;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.junit.jupiter.api.Test;
import org.tabserve.model.answer.AnswerColumn;
import org.tabserve.model.answer.AnswerShape;
import org.tabserve.model.answer.ScoredRows;
import org.tabserve.model.signature.Prediction;
import org.tabserve.model.signature.PredictionColumns;
import org.tabserve.rows.RowFormat;
import org.tabserve.rows.arrow.ArrowRecord;
import org.tabserve.rows.arrow.ArrowSlice;
import org.tabserve.rows.read.RowsReader;

/**
 * The batch answers' writers read a chunk's predictions from their columns ({@link PredictionColumns}) and write what
 * they wrote from a {@code Prediction} per row, byte for byte: the Arrow answer's record batch
 * ({@link ArrowRowsWriter#rows}) and the CSV's rows ({@link CsvAnswer#cells}), for a classifier of
 * three classes and for a regressor, over more rows than one record batch holds; and an Arrow input's float64 and
 * float32 columns, nulls and a NaN among them, echoed in bulk as row by row.
 */
class AnswerColumnsTest {

    private static final int ROWS = RowsReader.CHUNK_ROWS + 7;
    private static final List<String> CLASSES = List.of("setosa", "versicolor", "virginica");

    @Test
    void aClassifiersColumnsAreWrittenAsItsPredictionsWere() throws IOException {
        int[] labels = new int[ROWS];
        double[] probabilities = new double[ROWS * CLASSES.size()];
        for (int r = 0; r < ROWS; r++) {
            double a = (r % 97) / 97.0 * 0.6;
            double b = (r % 13) / 13.0 * (1 - a);
            probabilities[3 * r] = a;
            probabilities[3 * r + 1] = b;
            probabilities[3 * r + 2] = 1 - a - b;
            labels[r] = r % 3;
        }
        assertWrittenAlike(PredictionColumns.classified(CLASSES, labels, probabilities), "label");
    }

    @Test
    void aRegressorsColumnsAreWrittenAsItsPredictionsWere() throws IOException {
        double[] values = new double[ROWS];
        for (int r = 0; r < ROWS; r++) {
            values[r] = 3000 + r * 0.1 / 3;
        }
        assertWrittenAlike(PredictionColumns.regressed(values), "value");
    }

    @Test
    void anArrowInputsNumberColumnsWithNullsAreEchoedAsRowByRow() throws IOException {
        int n = 1_000;
        try (org.apache.arrow.memory.BufferAllocator allocator = new org.apache.arrow.memory.RootAllocator();
                Float8Vector doubles = new Float8Vector("variance", allocator);
                Float4Vector floats = new Float4Vector("skewness", allocator)) {
            doubles.allocateNew(n);
            floats.allocateNew(n);
            for (int r = 0; r < n; r++) {
                if (r % 9 == 4) {
                    doubles.set(r, 99); // a null's bytes may hold anything: the echo's are zero, as row by row
                    doubles.setNull(r);
                } else {
                    doubles.set(r, r % 11 == 0 ? Double.NaN : r / 7.0);
                }
                if (r % 13 == 5) {
                    floats.set(r, 99);
                    floats.setNull(r);
                } else {
                    floats.set(r, r / 3.0f);
                }
            }
            doubles.setValueCount(n);
            floats.setValueCount(n);
            List<org.apache.arrow.vector.FieldVector> vectors = List.of(doubles, floats);
            ArrowRecord.Kind[] kinds = {ArrowRecord.Kind.FLOAT64, ArrowRecord.Kind.FLOAT32};
            ArrowSlice slice = ArrowSlice.copy(
                    vectors,
                    new org.apache.arrow.vector.ValueVector[] {doubles, floats},
                    kinds,
                    new boolean[] {true, true},
                    new boolean[] {true, true},
                    0,
                    n);
            List<List<String>> records = new ArrayList<>();
            for (int r = 0; r < n; r++) {
                records.add(new ArrowRecord(kinds, slice, r));
            }
            double[] values = new double[n];
            java.util.Arrays.fill(values, 2.5);
            PredictionColumns answers = PredictionColumns.regressed(values);
            List<String> names = List.of("variance", "skewness");
            List<AnswerColumn> answer = AnswerColumn.tableColumns(new AnswerShape(null, false, false, false), false);

            ByteArrayOutputStream inBulk = new ByteArrayOutputStream();
            try (ArrowRowsWriter writer = new ArrowRowsWriter(inBulk)) {
                writer.columns(names, answer, null);
                writer.rows(records, answers);
            }
            ByteArrayOutputStream byRow = new ByteArrayOutputStream();
            try (ArrowRowsWriter writer = new ArrowRowsWriter(byRow)) {
                writer.columns(names, answer, null);
                for (int r = 0; r < n; r++) {
                    writer.row(records.get(r), List.of(2.5));
                }
            }
            assertArrayEquals(byRow.toByteArray(), inBulk.toByteArray());
        }
    }

    private static void assertWrittenAlike(PredictionColumns columns, String firstAnswerColumn) throws IOException {
        assertNotNull(PredictionColumns.of(columns));
        List<Prediction> perRow = new ArrayList<>(columns); // a Prediction per row, as every batch once was
        assertEquals(null, PredictionColumns.of(perRow));
        assertArrayEquals(arrow(perRow, firstAnswerColumn), arrow(columns, firstAnswerColumn), "Arrow answer");
        assertEquals(csv(perRow, firstAnswerColumn), csv(columns, firstAnswerColumn), "CSV answer");
    }

    /** The answer as {@link CsvAnswer#write} writes it in Arrow, a record batch a chunk, column by column. */
    private static byte[] arrow(List<Prediction> predictions, String firstAnswerColumn) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ArrowRowsWriter writer = new ArrowRowsWriter(bytes)) {
            writer.columns(List.of("id"), columns(predictions), null);
            for (int from = 0; from < predictions.size(); from += RowsReader.CHUNK_ROWS) {
                int to = Math.min(predictions.size(), from + RowsReader.CHUNK_ROWS);
                List<Prediction> chunk =
                        predictions instanceof PredictionColumns c ? slice(c, from, to) : predictions.subList(from, to);
                writer.rows(inputs(from, to), chunk);
            }
        }
        return bytes.toByteArray();
    }

    /** The answer as {@link CsvAnswer#write} writes it in CSV, row by row. */
    private static String csv(List<Prediction> predictions, String firstAnswerColumn) throws IOException {
        StringWriter text = new StringWriter();
        try (RowsWriter writer = RowFormat.CSV.writer(text)) {
            writer.columns(List.of("id"), columns(predictions), null);
            List<List<String>> inputs = inputs(0, predictions.size());
            List<Object> answer = new ArrayList<>();
            for (int r = 0; r < predictions.size(); r++) {
                answer.clear();
                CsvAnswer.cells(answer, shape(predictions), new ScoredRows(predictions, null, null), r, false);
                writer.row(inputs.get(r), answer);
            }
        }
        return text.toString();
    }

    private static AnswerShape shape(List<Prediction> predictions) {
        boolean classifies = predictions.get(0) instanceof Prediction.Classification;
        return new AnswerShape(classifies ? CLASSES : null, false, false, false);
    }

    private static List<AnswerColumn> columns(List<Prediction> predictions) {
        return AnswerColumn.tableColumns(shape(predictions), false);
    }

    private static List<List<String>> inputs(int from, int to) {
        List<List<String>> inputs = new ArrayList<>();
        for (int r = from; r < to; r++) {
            inputs.add(List.of("row " + r));
        }
        return inputs;
    }

    /** Rows {@code [from, to)} of the columns, still as columns. */
    private static PredictionColumns slice(PredictionColumns columns, int from, int to) {
        if (!columns.classifies()) {
            double[] values = new double[to - from];
            for (int r = from; r < to; r++) {
                values[r - from] = columns.value(r);
            }
            return PredictionColumns.regressed(values);
        }
        int[] labels = new int[to - from];
        double[] probabilities = new double[(to - from) * columns.classCount()];
        for (int r = from; r < to; r++) {
            labels[r - from] = columns.labelIndex(r);
            for (int c = 0; c < columns.classCount(); c++) {
                probabilities[(r - from) * columns.classCount() + c] = columns.probability(r, c);
            }
        }
        return PredictionColumns.classified(columns.classes(), labels, probabilities);
    }
}
