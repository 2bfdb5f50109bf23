package org.tabserve.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.parquet.format.SchemaElement;
import org.apache.parquet.format.Util;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.model.Model;
import org.tabserve.model.onnx.OnnxModelLoader;
import org.tabserve.model.signature.Feature;

/**
 * {@code score --data notes.parquet --out scored.parquet}: the bank notes read from Parquet get the labels and
 * probabilities the CSV gets, the Parquet answer read back by {@code score} itself; a file cut short is refused in
 * words and nothing is written.
 */
class ParquetScoreCommandTest {

    private static final Path NOTES = Path.of("src/test/resources/parquet/banknotes.snappy.parquet");
    private static final Path CSV = Path.of("data/BankNote_Authentication.csv");

    private static CardCommandTest.Result score(Path data, Path out) {
        return CardCommandTest.run(
                "score", "--model", "model.onnx", "--data", data.toString(), "--out", out.toString());
    }

    /** The answer's columns of each line (label and probabilities: the last three). */
    private static List<String> answers(Path csv) throws IOException {
        return Files.readAllLines(csv).stream()
                .map(line -> {
                    String[] cells = line.split(",");
                    return String.join(",", Arrays.copyOfRange(cells, cells.length - 3, cells.length));
                })
                .toList();
    }

    @Test
    void parquetInAndOutGetTheCsvsAnswers(@TempDir Path dir) throws IOException {
        CardCommandTest.Result fromCsv = score(CSV, dir.resolve("csv.csv"));
        assertEquals(0, fromCsv.status(), fromCsv.err());
        CardCommandTest.Result toParquet = score(NOTES, dir.resolve("scored.parquet"));
        assertEquals(0, toParquet.status(), toParquet.err());
        assertTrue(toParquet.err().contains("scored 1,372 rows"), toParquet.err());
        CardCommandTest.Result fromParquet = score(NOTES, dir.resolve("parquet.csv"));
        assertEquals(0, fromParquet.status(), fromParquet.err());
        assertEquals(answers(dir.resolve("csv.csv")), answers(dir.resolve("parquet.csv")));
        // The Parquet answer read back as input: its own columns echoed (those named as the answer's are, with
        // _input after their names: issue 66), the same answers again.
        CardCommandTest.Result again = score(dir.resolve("scored.parquet"), dir.resolve("again.csv"));
        assertEquals(0, again.status(), again.err());
        List<String> lines = Files.readAllLines(dir.resolve("again.csv"));
        assertEquals(
                "variance,skewness,curtosis,entropy,class,label_input,probability_0_input,probability_1_input,label,"
                        + "probability_0,probability_1",
                lines.get(0));
        List<String> expected = Files.readAllLines(dir.resolve("csv.csv"));
        for (int r = 1; r < lines.size(); r++) {
            String[] echoed = lines.get(r).split(",");
            String[] first = expected.get(r).split(",");
            assertEquals(first[5], echoed[5], "row " + r + "'s label as the Parquet answer held it");
            assertEquals(Double.parseDouble(first[7]), Double.parseDouble(echoed[7]), 1e-12);
        }
        assertEquals(expected.size(), lines.size());
    }

    @Test
    void aFileCutShortIsRefusedInWordsAndNothingIsWritten(@TempDir Path dir) throws IOException {
        byte[] file = Files.readAllBytes(NOTES);
        Path cut = dir.resolve("cut.parquet");
        Files.write(cut, Arrays.copyOf(file, file.length - 100));
        CardCommandTest.Result result = score(cut, dir.resolve("scored.parquet"));
        assertEquals(1, result.status(), result.err());
        assertTrue(result.err().contains("cut.parquet: the Parquet file is not a readable Parquet file"), result.err());
        assertTrue(!Files.exists(dir.resolve("scored.parquet")));
    }

    /**
     * A CSV scored to Parquet writes each of the model's input columns in the model's type (the bank note's floats as
     * FLOAT, never as text, which Spark's connector took as JSON's text and refused: issue 65), a column the model
     * does not take as text; and the file read back as {@code /predict_file} reads it gets the CSV's answers.
     */
    @Test
    void aCsvScoredToParquetHasTheModelsTypesInItsInputColumns(@TempDir Path dir) throws Exception {
        CardCommandTest.Result fromCsv = score(CSV, dir.resolve("csv.csv"));
        assertEquals(0, fromCsv.status(), fromCsv.err());
        CardCommandTest.Result toParquet = score(CSV, dir.resolve("scored.parquet"));
        assertEquals(0, toParquet.status(), toParquet.err());
        Map<String, String> types = new LinkedHashMap<>();
        byte[] file = Files.readAllBytes(dir.resolve("scored.parquet"));
        int footer = ByteBuffer.wrap(file, file.length - 8, 4)
                .order(ByteOrder.LITTLE_ENDIAN)
                .getInt();
        List<SchemaElement> schema = Util.readFileMetaData(
                        new ByteArrayInputStream(file, file.length - 8 - footer, footer))
                .getSchema();
        for (SchemaElement element : schema.subList(1, schema.size())) {
            types.put(element.getName(), String.valueOf(element.getType()));
        }
        try (Model model = OnnxModelLoader.load(Path.of("model.onnx"))) {
            for (Feature feature : model.signature().features()) {
                assertEquals(
                        switch (feature.type()) {
                            case FLOAT -> "FLOAT";
                            case DOUBLE -> "DOUBLE";
                            default -> "INT64";
                        },
                        types.get(feature.name()),
                        feature.name() + " in " + types);
            }
        }
        assertEquals("BYTE_ARRAY", types.get("class"), "a column the model does not take stays text: " + types);
        CardCommandTest.Result again = score(dir.resolve("scored.parquet"), dir.resolve("again.csv"));
        assertEquals(0, again.status(), again.err());
        assertEquals(
                answers(dir.resolve("csv.csv")).subList(1, 1373),
                Files.readAllLines(dir.resolve("again.csv")).stream()
                        .skip(1)
                        .map(line -> {
                            String[] cells = line.split(",");
                            return String.join(",", Arrays.copyOfRange(cells, 5, 8));
                        })
                        .toList());
    }
}
