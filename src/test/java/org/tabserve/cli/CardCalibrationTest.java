package org.tabserve.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code card --calibration} refuses, in words and before writing anything, what would void the guarantee: a file too
 * small for the coverage asked ({@code n ≥ 1/(1 - c) - 1}), the training file itself, and a {@code --coverage} out of
 * range or without a calibration file.
 */
class CardCalibrationTest {

    private static final Path MODEL = ConformalCards.FIXTURES.resolve("banknote-entropy-regressor.onnx");
    private static final Path TRAIN = ConformalCards.FIXTURES.resolve("train.csv");

    @TempDir
    Path dir;

    private record Run(int status, String err) {}

    private Run card(String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "card",
                "--model",
                MODEL.toString(),
                "--data",
                TRAIN.toString(),
                "--label",
                "entropy",
                "--out",
                dir.resolve("out.onnx").toString()));
        args.addAll(List.of(extra));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Commands.run(
                args.toArray(String[]::new),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aCalibrationFileTooSmallForTheCoverageIsRefusedInWords() throws Exception {
        List<String> lines = Files.readAllLines(ConformalCards.FIXTURES.resolve("calibration.csv"));
        Path eighteen = Files.write(dir.resolve("eighteen.csv"), lines.subList(0, 19));
        Run refused = card("--calibration", eighteen.toString(), "--coverage", "0.95");
        assertEquals(1, refused.status(), refused.err());
        assertTrue(
                refused.err()
                        .contains("a coverage of 0.95 needs at least 19 calibration rows (n ≥ 1/(1 - c) - 1),"
                                + " and the calibration has 18"),
                refused.err());
        assertFalse(Files.exists(dir.resolve("out.onnx")));
        assertEquals(
                0,
                card("--calibration", eighteen.toString(), "--coverage", "0.9").status(),
                "0.9 needs 9 rows only");
    }

    @Test
    void theTrainingFileIsRefusedAsCalibration() throws Exception {
        Path copy = Files.copy(TRAIN, dir.resolve("copy.csv"));
        Run refused = card("--calibration", copy.toString());
        assertEquals(1, refused.status(), refused.err());
        assertTrue(refused.err().contains("must not be rows the model was trained on"), refused.err());
    }

    @Test
    void aCoverageOutOfRangeOrWithoutCalibrationIsAUsageError() {
        Run high = card(
                "--calibration",
                ConformalCards.FIXTURES.resolve("calibration.csv").toString(),
                "--coverage",
                "0.999");
        assertTrue(high.err().contains("--coverage must be a number from 0.5 to 0.99"), high.err());
        Run alone = card("--coverage", "0.9");
        assertTrue(alone.err().contains("pass --calibration FILE with it"), alone.err());
        assertEquals(high.status(), alone.status());
        assertTrue(high.status() != 0);
    }

    @Test
    void labelsNearTheLargestDoubleAreRefusedNamingTheRowAndColumn() throws Exception {
        // Issue 47, item 14: labels of ±1.7e308 made residuals of ∞, a card the server would not read, and the
        // command ended "removed (a bug; please report it)".
        List<String> lines = new ArrayList<>(Files.readAllLines(ConformalCards.FIXTURES.resolve("calibration.csv")));
        int entropy = List.of(lines.get(0).split(",")).indexOf("entropy");
        for (int r = 1; r < lines.size(); r++) {
            String[] cells = lines.get(r).split(",");
            cells[entropy] = r % 2 == 0 ? "1.7e308" : "-1.7e308";
            lines.set(r, String.join(",", cells));
        }
        Path huge = Files.write(dir.resolve("huge.csv"), lines);
        Run refused = card("--calibration", huge.toString());
        assertEquals(1, refused.status(), refused.err());
        assertFalse(refused.err().contains("a bug"), refused.err());
        assertTrue(
                refused.err().contains("row 0")
                        && refused.err().contains("'entropy'")
                        && refused.err().contains("-1.7e308"),
                refused.err());
        assertFalse(Files.exists(dir.resolve("out.onnx")));
    }
}
