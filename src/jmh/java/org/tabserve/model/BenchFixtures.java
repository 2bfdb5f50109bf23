package org.tabserve.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.Feature;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.model.signature.ValueType;

/**
 * The models and rows the benchmarks score, made one way for all of them: a model carded by the real {@code card}
 * command (so that it has its background sample and training profile), and typed rows read from a fixture's inputs
 * CSV.
 */
public final class BenchFixtures {

    /** The test fixtures' directory, from the project's root (where {@code exec:exec} runs JMH). */
    public static final Path FIXTURES = Path.of("src/test/resources/org/tabserve/fixtures");

    private BenchFixtures() {}

    /**
     * Cards a model with the {@code card} command in a JVM of its own, into a temporary directory.
     *
     * @param name "banknote" (the bundled model on its data), "species" (the penguin species pipeline on
     *             data/penguins.csv), "wide-69" (the 69-input fixture on its labelled rows), "forest" (the random
     *             forest species pipeline), "boosted" (the boosted-trees sex pipeline on its labelled rows) or
     *             "mass" (the body-mass tree regressor), "classes-28" (the 69-input 28-class SVM on its labelled rows)
     *             or "wide-10" (the 10-input linear fixture on its labelled rows)
     * @return the carded model's file
     */
    public static Path carded(String name) throws IOException, InterruptedException {
        Path out = Files.createTempDirectory("tabserve-bench-card").resolve(name + ".onnx");
        List<String> card = switch (name) {
            case "banknote" ->
                List.of("--model", "model.onnx", "--data", "data/BankNote_Authentication.csv", "--label", "class");
            case "species" ->
                List.of(
                        "--model",
                        FIXTURES.resolve("penguins/species-zipmap.onnx").toString(),
                        "--data",
                        "data/penguins.csv",
                        "--label",
                        "species",
                        "--skip-invalid");
            case "wide-69" ->
                List.of(
                        "--model",
                        FIXTURES.resolve("wide/wide-69.onnx").toString(),
                        "--data",
                        FIXTURES.resolve("wide/wide-69.labelled.csv").toString(),
                        "--label",
                        "label");
            case "forest" ->
                List.of(
                        "--model",
                        FIXTURES.resolve("penguins/species-nozipmap.onnx").toString(),
                        "--data",
                        "data/penguins.csv",
                        "--label",
                        "species",
                        "--skip-invalid");
            case "boosted" ->
                List.of(
                        "--model",
                        FIXTURES.resolve("boosted/sex-boosted.onnx").toString(),
                        "--data",
                        FIXTURES.resolve("boosted/sex-boosted.labelled.csv").toString(),
                        "--label",
                        "sex");
            case "mass" ->
                List.of(
                        "--model",
                        FIXTURES.resolve("penguins/body-mass-regressor.onnx").toString(),
                        "--data",
                        "data/penguins.csv",
                        "--label",
                        "body_mass_g",
                        "--skip-invalid");
            case "classes-28" ->
                List.of(
                        "--model",
                        FIXTURES.resolve("wide/classes-28.onnx").toString(),
                        "--data",
                        FIXTURES.resolve("wide/classes-28.labelled.csv").toString(),
                        "--label",
                        "tree");
            case "wide-10" ->
                List.of(
                        "--model",
                        FIXTURES.resolve("wide/wide-10.onnx").toString(),
                        "--data",
                        FIXTURES.resolve("wide/wide-10.labelled.csv").toString(),
                        "--label",
                        "label");
            default -> throw new IllegalArgumentException("no such fixture: " + name);
        };
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xss8m",
                "-cp",
                System.getProperty("java.class.path"),
                "org.tabserve.cli.Commands",
                "card",
                "--out",
                out.toString()));
        command.addAll(card);
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (process.waitFor() != 0) {
            throw new IllegalStateException("card failed: " + command);
        }
        return out;
    }

    /**
     * @param csv   a fixture's inputs CSV (a header of feature names; an empty number is missing)
     * @param count how many rows, the file's rows repeated as needed
     * @return the rows as {@link Batch#of} takes them, in {@code signature}'s feature order
     */
    public static List<Object[]> rows(ModelSignature signature, Path csv, int count) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        List<String> header = List.of(lines.get(0).split(",", -1));
        List<Feature> features = signature.features();
        List<Object[]> data = new ArrayList<>(count);
        for (int r = 0; r < count; r++) {
            String[] fields = lines.get(1 + r % (lines.size() - 1)).split(",", -1);
            Object[] cells = new Object[features.size()];
            for (int f = 0; f < cells.length; f++) {
                String text = fields[header.indexOf(features.get(f).name())];
                cells[f] = features.get(f).type() == ValueType.STRING
                        ? text
                        : text.isEmpty() ? null : (Object) Double.parseDouble(text);
            }
            data.add(cells);
        }
        return data;
    }
}
