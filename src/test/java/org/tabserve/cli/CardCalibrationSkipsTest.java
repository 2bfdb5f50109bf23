package org.tabserve.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.model.Model;
import org.tabserve.model.card.SkippedRows;
import org.tabserve.model.onnx.OnnxModelLoader;

/**
 * Issue 51, item 4: {@code card --calibration} under {@code --skip-invalid} says how many calibration rows it left out
 * and why, as it does for {@code --data}, and the card records them (its skipped rows, and the calibration's method);
 * a regressor's calibration keeps the range of target values the card saw.
 */
class CardCalibrationSkipsTest {

    @Test
    void rowsLeftOutOfTheCalibrationAreSaidAndRecorded(@TempDir Path dir) throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(ConformalCards.FIXTURES.resolve("calibration.csv")));
        int rows = lines.size() - 1;
        lines.set(3, "not-a-number," + lines.get(3).substring(lines.get(3).indexOf(',') + 1));
        Path calibration = Files.write(dir.resolve("held-out.csv"), lines);
        Path out = dir.resolve("carded.onnx");
        CardCommandTest.Result result = CardCommandTest.run(
                "card",
                "--model",
                ConformalCards.FIXTURES
                        .resolve("banknote-entropy-regressor.onnx")
                        .toString(),
                "--data",
                ConformalCards.FIXTURES.resolve("train.csv").toString(),
                "--label",
                "entropy",
                "--out",
                out.toString(),
                "--calibration",
                calibration.toString(),
                "--skip-invalid");
        assertEquals(0, result.status(), result.err());
        // Before: nothing said, and the card's method read "(N - 1 rows)" with no word of the row left out.
        assertTrue(
                result.err()
                        .contains("--calibration: 1 of " + rows + " rows of held-out.csv was skipped: row 2: variance"),
                result.err());
        try (Model carded = OnnxModelLoader.load(out)) {
            List<SkippedRows> skipped = carded.card().skippedRows();
            SkippedRows held = skipped.stream()
                    .filter(s -> s.file().equals("held-out.csv"))
                    .findFirst()
                    .orElseThrow(
                            () -> new AssertionError("the card records the calibration's skipped rows: " + skipped));
            assertEquals(rows, held.rows());
            assertEquals(1, held.skipped());
            String method = carded.card().conformal().method();
            assertTrue(
                    method.contains((rows - 1) + " rows; 1 of " + rows + " rows of held-out.csv was skipped"), method);
            double[] range = carded.card().conformal().range();
            assertTrue(range != null && range[0] < range[1], "the target range the card saw");
        }
    }
}
