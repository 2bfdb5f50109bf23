package org.tabserve.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.tabserve.cardmaking.CardFileTest;

/**
 * The penguins fixtures with cards made by the real {@code card} command, for tests in any package: the labelled CSV
 * each needs (its inputs.csv and each row's recorded target), and the command run on it.
 */
public final class FixtureCards {

    private static final ObjectMapper JSON = new ObjectMapper();

    private FixtureCards() {}

    /** The fixture's inputs.csv with the target of each of its rows (from expected.json) as one more column. */
    public static Path labelled(Path dir, String model, String column) throws IOException {
        Path fixtures = CardFileTest.FIXTURES;
        List<String> lines = Files.readAllLines(fixtures.resolve(model + ".inputs.csv"));
        List<JsonNode> rows = new ArrayList<>();
        for (JsonNode row : JSON.readTree(
                        fixtures.resolve(model + ".expected.json").toFile())
                .get("rows")) {
            if (row.get("unknown").isEmpty()) {
                rows.add(row);
            }
        }
        assertEquals(lines.size() - 1, rows.size(), "inputs.csv has the expected rows with no unknown value");
        List<String> out = new ArrayList<>();
        out.add(lines.get(0) + "," + column);
        for (int i = 1; i < lines.size(); i++) {
            JsonNode target = rows.get(i - 1).get("target");
            if (!target.isNull()) {
                out.add(lines.get(i) + "," + target.asText());
            }
        }
        Path file = dir.resolve(model + ".labelled.csv");
        Files.write(file, out);
        return file;
    }

    /**
     * Runs {@code card} on the fixture with its labelled CSV and returns the new model file.
     *
     * @param extra more options, e.g. {@code --name}
     */
    public static Path card(Path dir, String model, String column, String... extra) throws IOException {
        return card(
                CardFileTest.FIXTURES.resolve(model + ".onnx"),
                labelled(dir, model, column),
                column,
                dir.resolve(model + "-with-card.onnx"),
                extra);
    }

    /**
     * @return the first {@code columns} cells of a fixture's CSV row as a JSON object by the header's names: an empty
     *         cell null, a number as it is, anything else as text
     */
    public static String jsonObject(String[] header, String[] cells, int columns) {
        java.util.StringJoiner object = new java.util.StringJoiner(",", "{", "}");
        for (int c = 0; c < columns; c++) {
            String cell = cells[c];
            object.add("\"" + header[c] + "\":"
                    + (cell == null || cell.isEmpty()
                            ? "null"
                            : cell.matches("-?[0-9.]+") ? cell : "\"" + cell + "\""));
        }
        return object.toString();
    }

    /** Runs {@code card} on the bundled bank-note model with its training data and returns the carded file in {@code dir}. */
    public static Path banknote(Path dir) throws IOException {
        return card(
                Path.of("model.onnx"),
                Path.of("data/BankNote_Authentication.csv"),
                "class",
                dir.resolve("banknote.onnx"));
    }

    /**
     * Cards the wide fixture {@code name} (fixtures/wide/NAME.onnx with its NAME.labelled.csv, labels in
     * {@code column}) into {@code out} and returns it.
     */
    public static Path wide(String name, String column, Path out) throws IOException {
        Path wide = Path.of("src/test/resources/org/tabserve/fixtures/wide");
        return card(wide.resolve(name + ".onnx"), wide.resolve(name + ".labelled.csv"), column, out);
    }

    /** Runs {@code card} on {@code model} with a labelled CSV of its own and returns {@code out}. */
    public static Path card(Path model, Path data, String column, Path out, String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of(
                "card",
                "--model",
                model.toString(),
                "--data",
                data.toString(),
                "--label",
                column,
                "--out",
                out.toString()));
        args.addAll(List.of(extra));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Commands.run(
                args.toArray(String[]::new),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
        return out;
    }

    /** scikit-learn's metrics for the rows of the fixture's inputs.csv, as the fixture script recorded them. */
    public static JsonNode sklearn(String model) throws IOException {
        return JSON.readTree(
                        CardFileTest.FIXTURES.resolve(model + ".metrics.json").toFile())
                .get("inputs_csv_rows");
    }
}
