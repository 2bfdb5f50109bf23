package org.tabserve.rows.write;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tabserve.cli.CsvScoring;
import org.tabserve.model.Model;
import org.tabserve.model.onnx.OnnxModelLoader;
import org.tabserve.rows.RowFormat;
import org.tabserve.rows.field.OnError;
import org.tabserve.testing.BankNotes;

/**
 * Issue 66, item 6: a file that was scored already, scored again (an upload of a download, {@code score} run on its
 * own output), keeps every column it sent and has each name once. The answer's columns keep their names, which
 * clients read; a column of the file's that has an answer column's name ({@code label}, {@code probability_*},
 * {@code error}) is kept under that name with {@code _input} after it. Before, the table had {@code label,
 * probability_0, probability_1} twice: two columns of one name in a CSV header, an Arrow schema, a Parquet schema and
 * a JSON object, which pandas, pyarrow and tabserve's own readers take badly or refuse. On the bundled bank-note
 * model, in every format the answer is written in, each pass reading what the last one wrote.
 */
class ScoredTwiceTest {

    private static final String ROWS = "variance,skewness,curtosis,entropy\n"
            + "3.6216,8.6661,-2.8073,-0.44699\n"
            + "-1.3971,3.3191,-1.3927,-1.9948\n"
            + "0.32924,-4.4552,4.5718,-0.9888\n";

    private static Model model;

    @BeforeAll
    static void load() {
        model = OnnxModelLoader.load(BankNotes.MODEL);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    /** Scores {@code input}, read as {@code in}, into an answer in {@code out}. */
    private static byte[] scored(byte[] input, RowFormat in, RowFormat out, OnError onError) throws IOException {
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        RowsWriter writer = out.isBinary()
                ? out.writer(answer)
                : out.writer(new OutputStreamWriter(answer, StandardCharsets.UTF_8));
        CsvScoring.writeScored(model, () -> new ByteArrayInputStream(input), in, writer, onError, rows -> {});
        return answer.toByteArray();
    }

    /** @return the column names of an answer, read back by the format's own reader */
    private static List<String> columns(byte[] answer, RowFormat format) throws IOException {
        return format.reader(model.signature(), Long.MAX_VALUE).validate(new ByteArrayInputStream(answer));
    }

    @ParameterizedTest
    @EnumSource(RowFormat.class)
    void aScoredFileScoredAgainKeepsTheColumnsItSentUnderNamesOfTheirOwn(RowFormat format) throws IOException {
        byte[] once = scored(ROWS.getBytes(StandardCharsets.UTF_8), RowFormat.CSV, format, OnError.REJECT);
        byte[] twice = scored(once, format, format, OnError.REJECT);
        assertEquals(
                List.of(
                        "variance",
                        "skewness",
                        "curtosis",
                        "entropy",
                        "label_input",
                        "probability_0_input",
                        "probability_1_input",
                        "label",
                        "probability_0",
                        "probability_1"),
                columns(twice, format),
                format.name());
        byte[] thrice = scored(twice, format, format, OnError.ROW);
        assertEquals(
                List.of(
                        "variance",
                        "skewness",
                        "curtosis",
                        "entropy",
                        "label_input",
                        "probability_0_input",
                        "probability_1_input",
                        "label_input_2",
                        "probability_0_input_2",
                        "probability_1_input_2",
                        "label",
                        "probability_0",
                        "probability_1",
                        "error"),
                columns(thrice, format),
                "a third pass, with the error column: " + format.name());
    }

    @org.junit.jupiter.api.Test
    void theColumnsSentHoldWhatWasSentAndTheAnswersAreTheModelsOwn() throws IOException {
        byte[] once = scored(ROWS.getBytes(StandardCharsets.UTF_8), RowFormat.CSV, RowFormat.CSV, OnError.ROW);
        List<CSVRecord> first = records(once);
        // What was sent, changed by hand: the answer must not echo it, and the echo must keep it.
        String sent = new String(once, StandardCharsets.UTF_8).replaceFirst("\n(.*?),0,", "\n$1,forged by hand,");
        List<CSVRecord> second =
                records(scored(sent.getBytes(StandardCharsets.UTF_8), RowFormat.CSV, RowFormat.CSV, OnError.ROW));
        assertEquals(first.size(), second.size());
        assertEquals("forged by hand", second.get(0).get("label_input"));
        for (int r = 0; r < first.size(); r++) {
            for (String column : List.of("label", "probability_0", "probability_1", "error")) {
                assertEquals(first.get(r).get(column), second.get(r).get(column), "row " + r + ": " + column);
                if (r > 0 || !column.equals("label")) {
                    assertEquals(
                            first.get(r).get(column), second.get(r).get(column + "_input"), "row " + r + ": " + column);
                }
            }
        }
    }

    private static List<CSVRecord> records(byte[] csv) throws IOException {
        return CSVFormat.DEFAULT
                .builder()
                .setHeader()
                .get()
                .parse(new StringReader(new String(csv, StandardCharsets.UTF_8)))
                .getRecords();
    }
}
