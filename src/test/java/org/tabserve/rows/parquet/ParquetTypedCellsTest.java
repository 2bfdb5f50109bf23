package org.tabserve.rows.parquet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;
import org.tabserve.cli.CsvScoring;
import org.tabserve.model.Model;
import org.tabserve.model.onnx.OnnxModelLoader;
import org.tabserve.rows.RowFormat;
import org.tabserve.rows.field.OnError;
import org.tabserve.rows.read.RowChunk;
import org.tabserve.rows.read.RowsReader;
import org.tabserve.testing.TableFiles;

/**
 * The penguins pipeline (a text input, island, and numbers) reads a Parquet file's string, int64 and double columns
 * with no text in between and answers as it answers the same rows in CSV; int32 numbers sent for the text input are
 * taken as their exact text, said once in the warnings.
 */
class ParquetTypedCellsTest {

    private static final Path MODEL =
            Path.of("src/test/resources/org/tabserve/fixtures/penguins/species-nozipmap.onnx");

    private static byte[] parquet(String schemaText, List<String> lines, boolean islandAsNumber) throws IOException {
        return TableFiles.written(MessageTypeParser.parseMessageType(schemaText), groups -> {
            List<Group> rows = new ArrayList<>();
            for (String line : lines.subList(1, lines.size())) {
                String[] cells = line.split(",");
                Group row = groups.newGroup();
                if (islandAsNumber) {
                    row.add("island", 1);
                } else {
                    row.add("island", cells[1]);
                }
                row.add("bill_length_mm", Double.parseDouble(cells[2]));
                row.add("bill_depth_mm", Double.parseDouble(cells[3]));
                row.add("flipper_length_mm", Long.parseLong(cells[4]));
                row.add("body_mass_g", Long.parseLong(cells[5]));
                rows.add(row);
            }
            return rows;
        });
    }

    private static String answers(Model model, RowFormat format, byte[] rows) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CsvScoring.writeScored(
                model, () -> new ByteArrayInputStream(rows), format, RowFormat.CSV.writer(out), OnError.ROW, n -> {});
        // The label, the three classes' probabilities and the error: each row's last five cells.
        return out.toString(StandardCharsets.UTF_8)
                .lines()
                .map(l -> {
                    List<String> cells = List.of(l.split(",", -1));
                    return String.join(",", cells.subList(cells.size() - 5, cells.size()));
                })
                .toList()
                .toString();
    }

    @Test
    void stringsWholeNumbersAndDoublesAreAnsweredAsTheCsvIs() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("data/penguins.csv")).subList(0, 4);
        String csv = "island,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g\n"
                + String.join(
                        "\n",
                        lines.subList(1, lines.size()).stream()
                                .map(l -> String.join(",", List.of(l.split(",")).subList(1, 6)))
                                .toList());
        byte[] parquet = parquet(
                "message penguins { optional binary island (STRING); optional double bill_length_mm;"
                        + " optional double bill_depth_mm; optional int64 flipper_length_mm;"
                        + " optional int64 body_mass_g; }",
                lines,
                false);
        try (Model model = OnnxModelLoader.load(MODEL)) {
            assertEquals(
                    answers(model, RowFormat.CSV, csv.getBytes(StandardCharsets.UTF_8)),
                    answers(model, RowFormat.PARQUET, parquet));
        }
    }

    @Test
    void numbersForTheTextInputAreTakenAsTheirTextWithAWarning() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("data/penguins.csv")).subList(0, 3);
        byte[] parquet = parquet(
                "message penguins { optional int32 island; optional double bill_length_mm;"
                        + " optional double bill_depth_mm; optional int64 flipper_length_mm;"
                        + " optional int64 body_mass_g; }",
                lines,
                true);
        try (Model model = OnnxModelLoader.load(MODEL)) {
            RowsReader reader = RowFormat.PARQUET.reader(model.signature(), Long.MAX_VALUE);
            List<RowChunk> chunks = reader.readAll(new ByteArrayInputStream(parquet));
            assertEquals(2, chunks.get(0).rowCount());
            assertEquals("1", ((String[]) chunks.get(0).batch().data(0))[0]);
            String warnings = reader.requestWarnings().toString();
            assertTrue(
                    warnings.contains(
                            "'island' is a text input; the numbers sent for it were taken as their text" + " (\"1\")"),
                    warnings);
        }
    }
}
