package org.tabserve.rows.parquet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;
import org.tabserve.cli.CsvScoring;
import org.tabserve.model.Model;
import org.tabserve.model.onnx.OnnxModelLoader;
import org.tabserve.rows.RowFormat;
import org.tabserve.rows.field.OnError;
import org.tabserve.rows.write.CsvAnswer;
import org.tabserve.testing.TableFiles;

/**
 * The bundled model scores the bank notes read from a Parquet file (Snappy, written by Hadoop's codec) and answers
 * them in Parquet as {@code score} does, with the labels and probabilities the CSV of the same rows gets in CSV (real
 * ONNX Runtime, every core), with no Hadoop class on the classpath; with {@code --on-error row} a bad row (a gzip file
 * with a null) is written in its place with its error.
 */
class ParquetScoreTest {

    private static final Path DATA = Path.of("data/BankNote_Authentication.csv");

    @Test
    void theTestsRunWithoutHadoopAsTheWarDoes() {
        assertThrows(ClassNotFoundException.class, () -> Class.forName("org.apache.hadoop.conf.Configuration"));
    }

    @Test
    void theBankNotesFromParquetAreAnsweredInParquetAsTheCsvIsInCsv() throws IOException {
        ByteArrayOutputStream csvAnswer = new ByteArrayOutputStream();
        ByteArrayOutputStream parquetAnswer = new ByteArrayOutputStream();
        try (Model model = OnnxModelLoader.load(Path.of("model.onnx"))) {
            CsvScoring.writeScored(
                    model,
                    () -> Files.newInputStream(DATA),
                    RowFormat.CSV,
                    RowFormat.CSV.writer(csvAnswer),
                    OnError.REJECT,
                    rows -> {});
            CsvScoring.writeScored(
                    model,
                    () -> Files.newInputStream(TableFiles.NOTES_PARQUET),
                    RowFormat.ofFileName(TableFiles.NOTES_PARQUET.toString()).orElseThrow(),
                    RowFormat.PARQUET.writer(parquetAnswer),
                    OnError.REJECT,
                    rows -> {});
        }
        List<String> expected = csvAnswer
                .toString(java.nio.charset.StandardCharsets.UTF_8)
                .lines()
                .toList();
        List<String> names = new ArrayList<>();
        List<Group> rows = ParquetAnswers.rows(parquetAnswer.toByteArray(), names);
        assertEquals(List.of(expected.get(0).split(",")), names);
        assertEquals(
                List.of(
                        "variance",
                        "skewness",
                        "curtosis",
                        "entropy",
                        "class",
                        "label",
                        "probability_0",
                        "probability_1"),
                names);
        assertEquals(expected.size() - 1, rows.size());
        for (int r = 0; r < rows.size(); r++) {
            String[] cells = expected.get(r + 1).split(",");
            Group row = rows.get(r);
            assertEquals(Double.parseDouble(cells[0]), row.getDouble(0, 0), "the input's double, typed");
            assertEquals(Long.parseLong(cells[4]), row.getLong(4, 0), "the input's int32 column as int64");
            assertEquals(cells[5], row.getString(5, 0), "row " + (r + 1) + "'s label");
            assertEquals(Double.parseDouble(cells[6]), row.getDouble(6, 0), 1e-12);
            assertEquals(Double.parseDouble(cells[7]), row.getDouble(7, 0), 1e-12);
        }
    }

    @Test
    void withOnErrorRowABadRowIsAnsweredInItsPlaceWithItsError() throws IOException {
        byte[] gzip = notes(Files.readAllLines(DATA).subList(0, 6), 2, CompressionCodecName.GZIP);
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        try (Model model = OnnxModelLoader.load(Path.of("model.onnx"))) {
            long refused = CsvScoring.writeScored(
                    model,
                    () -> new ByteArrayInputStream(gzip),
                    RowFormat.PARQUET,
                    RowFormat.PARQUET.writer(answer),
                    OnError.ROW,
                    rows -> {});
            assertEquals(1, refused);
        }
        List<String> names = new ArrayList<>();
        List<Group> rows = ParquetAnswers.rows(answer.toByteArray(), names);
        assertEquals(5, rows.size());
        int label = names.indexOf("label");
        int error = names.indexOf(CsvAnswer.ERROR_COLUMN);
        assertEquals(0, rows.get(2).getFieldRepetitionCount(label), "no label for the bad row");
        assertEquals(0, rows.get(2).getFieldRepetitionCount(0), "its null variance stays null");
        String why = rows.get(2).getString(error, 0);
        assertEquals("variance: missing value for 'variance'", why);
        assertEquals(0, rows.get(0).getFieldRepetitionCount(error));
        assertEquals("0", rows.get(0).getString(label, 0));
    }

    /** The bank-note CSV lines (header first) as a Parquet file of double columns, one variance null. */
    static byte[] notes(List<String> lines, int nullVarianceRow, CompressionCodecName codec) throws IOException {
        MessageType schema = MessageTypeParser.parseMessageType("message notes { optional double variance;"
                + " optional double skewness; optional double curtosis; optional double entropy; }");
        return TableFiles.written(schema, codec, groups -> {
            List<Group> rows = new ArrayList<>();
            for (int r = 0; r < lines.size() - 1; r++) {
                String[] cells = lines.get(r + 1).split(",");
                Group row = groups.newGroup();
                for (int c = 0; c < 4; c++) {
                    if (c != 0 || r != nullVarianceRow) {
                        row.add(c, Double.parseDouble(cells[c]));
                    }
                }
                rows.add(row);
            }
            return rows;
        });
    }
}
