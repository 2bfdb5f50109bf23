package org.tabserve.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The iris fixtures (fixtures/make_iris_models.py) and the real {@code card} command run on them, for tests in any
 * package: a single-tensor model whose columns and classes have no names, and the CSV it was trained from, with named
 * columns and the species as text.
 */
public final class IrisCards {

    public static final Path DIR = Path.of("src/test/resources/org/tabserve/fixtures/iris");
    public static final Path CSV = DIR.resolve("iris.csv");
    public static final List<String> FEATURES = List.of("sepal_length", "sepal_width", "petal_length", "petal_width");
    public static final List<String> SPECIES = List.of("setosa", "versicolor", "virginica");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What one run of the command did. */
    public record Run(int status, String out, String err, Path model) {}

    private IrisCards() {}

    /** Runs {@code card} on {@code model} (a fixture's file name without .onnx) with iris.csv and {@code extra}. */
    public static Run card(Path dir, String model, String... extra) {
        Path out = dir.resolve(model + "-carded.onnx");
        List<String> args = new ArrayList<>(List.of(
                "card",
                "--model",
                DIR.resolve(model + ".onnx").toString(),
                "--data",
                CSV.toString(),
                "--label",
                "species",
                "--out",
                out.toString()));
        args.addAll(List.of(extra));
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        int status = Commands.run(
                args.toArray(String[]::new),
                new PrintStream(stdout, true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8));
        return new Run(status, stdout.toString(StandardCharsets.UTF_8), stderr.toString(StandardCharsets.UTF_8), out);
    }

    /** The fixture's recorded answers (scikit-learn's), as the script wrote them. */
    public static JsonNode expected(String model) throws IOException {
        return JSON.readTree(DIR.resolve(model + ".expected.json").toFile());
    }

    /** scikit-learn's metrics over iris.csv's 150 rows. */
    public static JsonNode metrics(String model) throws IOException {
        return JSON.readTree(DIR.resolve(model + ".metrics.json").toFile()).get("all_rows");
    }
}
