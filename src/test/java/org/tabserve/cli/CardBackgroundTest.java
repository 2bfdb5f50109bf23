package org.tabserve.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.cardmaking.BackgroundSample;
import org.tabserve.model.Model;
import org.tabserve.model.card.CardKeys;
import org.tabserve.model.onnx.OnnxModelLoader;
import org.tabserve.model.signature.Background;

/**
 * {@code card} stores a background sample ({@link CardKeys#BACKGROUND}) drawn reproducibly from the data: 100 rows
 * (all of them when there are fewer), the seed and the rows it was drawn from recorded, each row one of the file's,
 * in the model's columns, text as text and a missing value as null.
 */
class CardBackgroundTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theBankNoteCardHoldsAHundredOfItsRowsTheSameEachTime(@TempDir Path dir) throws Exception {
        Path data = Path.of("data/BankNote_Authentication.csv");
        Path first = FixtureCards.card(Path.of("model.onnx"), data, "class", dir.resolve("a.onnx"));
        Path second = FixtureCards.card(Path.of("model.onnx"), data, "class", dir.resolve("b.onnx"));
        try (Model a = OnnxModelLoader.load(first);
                Model b = OnnxModelLoader.load(second)) {
            String stored = a.card().metadata().get(CardKeys.BACKGROUND);
            assertEquals(stored, b.card().metadata().get(CardKeys.BACKGROUND), "the same file, the same sample");
            JsonNode json = JSON.readTree(stored);
            assertEquals(BackgroundSample.SEED, json.get("seed").asLong());
            assertEquals(1372, json.get("sampled_from").asLong());
            assertEquals(100, json.get("size").asInt());
            Background background = a.card().background();
            assertEquals(List.of("variance", "skewness", "curtosis", "entropy"), background.columns());
            assertEquals(100, background.size());
            assertEquals(1372, background.sampledFrom());
            Set<List<Double>> rows = csvRows(data, 4);
            Set<List<Double>> distinct = new HashSet<>();
            for (List<Object> row : background.rows()) {
                List<Double> numbers =
                        row.stream().map(v -> ((Number) v).doubleValue()).toList();
                assertTrue(rows.contains(numbers), "a row of the file: " + row);
                distinct.add(numbers);
            }
            assertTrue(distinct.size() > 90, "drawn without replacement: " + distinct.size());
        }
    }

    @Test
    void aPenguinsCardKeepsTextAsTextAndMissingAsNull(@TempDir Path dir) throws Exception {
        Path model = Path.of("src/test/resources/org/tabserve/fixtures/penguins/species-nozipmap.onnx");
        // Every row of a short file is kept: two of them have no measurements, which this model imputes.
        List<String> lines = Files.readAllLines(Path.of("data/penguins.csv")).subList(0, 9);
        Path data = dir.resolve("nine.csv");
        Files.write(data, lines);
        Path carded = FixtureCards.card(model, data, "species", dir.resolve("nine.onnx"));
        try (Model loaded = OnnxModelLoader.load(carded)) {
            Background background = loaded.card().background();
            assertEquals(8, background.size());
            assertEquals(8, background.sampledFrom());
            List<String> columns = background.columns();
            assertEquals("island", columns.get(0));
            for (int r = 0; r < 8; r++) {
                String[] cells = lines.get(r + 1).split(",", -1);
                List<Object> row = background.rows().get(r);
                assertEquals(cells[1], row.get(0), "text stays text");
                for (int c = 1; c < columns.size(); c++) {
                    String sent = cells[c + 1];
                    if (sent.isEmpty()) {
                        assertEquals(null, row.get(c), "missing stays missing, row " + r);
                    } else {
                        assertEquals(Double.parseDouble(sent), ((Number) row.get(c)).doubleValue(), 1e-9);
                    }
                }
            }
            assertTrue(background.rows().stream().anyMatch(row -> row.get(1) == null), "the file has a missing row");
        }
    }

    private static Set<List<Double>> csvRows(Path csv, int columns) throws Exception {
        Set<List<Double>> rows = new HashSet<>();
        for (String line :
                Files.readAllLines(csv).subList(1, Files.readAllLines(csv).size())) {
            String[] cells = line.split(",");
            List<Double> row = new ArrayList<>();
            for (int c = 0; c < columns; c++) {
                row.add(Double.parseDouble(
                        Float.toString(Float.parseFloat(cells[c])))); // as the card holds a float input
            }
            rows.add(row);
        }
        return rows;
    }
}
