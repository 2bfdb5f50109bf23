package org.tabserve.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The conformal fixtures (skl2onnx, the bank notes split three ways: see fixtures/README.md) carded by the real
 * {@code card} command on their training rows and calibrated with {@code --calibration} on their calibration rows,
 * for tests in any package; the test rows are left for the tests.
 */
public final class ConformalCards {

    /** Where the fixtures are. */
    public static final Path FIXTURES = Path.of("src/test/resources/org/tabserve/fixtures/conformal");
    /** The rows no model trained or was calibrated on. */
    public static final Path TEST_ROWS = FIXTURES.resolve("test.csv");

    private static Path made;

    private ConformalCards() {}

    /**
     * A directory of models holding both, {@code entropy.onnx} and {@code forged.onnx}, made once per JVM (the card
     * command's passes are most of a test class's start), for a server's {@code --models}: copy it, never change it.
     */
    public static synchronized Path models() throws IOException {
        if (made == null) {
            Path dir = Files.createTempDirectory("conformal-models");
            regressor(dir);
            classifier(dir);
            made = dir;
        }
        return made;
    }

    /**
     * A server of a directory {@code dir/models} holding both models, and the bundled model (uncalibrated) as
     * {@code plain} when asked, started and every model ready; the regressor, {@code entropy}, is the default.
     */
    public static org.tabserve.launcher.TabserveServer serve(Path dir, boolean plain) throws Exception {
        Path models = Files.createDirectory(dir.resolve("models"));
        copyModels(models);
        if (plain) {
            Files.copy(Path.of("model.onnx"), models.resolve("plain.onnx"));
        }
        org.tabserve.launcher.TabserveServer server = org.tabserve.launcher.TabserveServer.startReady(
                "--models", models.toString(), "--default-model", "entropy");
        org.tabserve.testing.ModelDirectory.awaitReady(new org.tabserve.testing.Http(server), plain ? 3 : 2);
        return server;
    }

    /** Copies {@link #models()} into {@code dir}. */
    public static void copyModels(Path dir) throws IOException {
        for (String name : List.of("entropy.onnx", "forged.onnx")) {
            Files.copy(models().resolve(name), dir.resolve(name));
        }
    }

    /** The regressor of {@code entropy}, carded and calibrated, as {@code dir/entropy.onnx}. */
    public static Path regressor(Path dir) throws IOException {
        return FixtureCards.card(
                FIXTURES.resolve("banknote-entropy-regressor.onnx"),
                FIXTURES.resolve("train.csv"),
                "entropy",
                dir.resolve("entropy.onnx"),
                "--calibration",
                FIXTURES.resolve("calibration.csv").toString());
    }

    /** The classifier of {@code class}, carded and calibrated, as {@code dir/forged.onnx}. */
    public static Path classifier(Path dir) throws IOException {
        return FixtureCards.card(
                FIXTURES.resolve("banknote-class-weak.onnx"),
                FIXTURES.resolve("train.csv"),
                "class",
                dir.resolve("forged.onnx"),
                "--calibration",
                FIXTURES.resolve("calibration.csv").toString(),
                "--class-names",
                "0=genuine,1=forged");
    }

    /** @return the test rows: each the five columns' texts, the header left out */
    public static List<String[]> testRows() throws IOException {
        List<String> lines = Files.readAllLines(TEST_ROWS);
        List<String[]> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            rows.add(line.split(","));
        }
        return rows;
    }
}
