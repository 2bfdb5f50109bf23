package org.tabserve.rows;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tabserve.cli.ConformalCards;
import org.tabserve.model.BatchScoring;
import org.tabserve.model.Model;
import org.tabserve.model.RowUncertainty;
import org.tabserve.model.onnx.OnnxModelLoader;

/**
 * Rows of typed cells (what spark/ hands the core) scored as {@code ?on_error=row} scores a request's: a number for a
 * text input is its text, NaN is missing, and a bad row is left out with its errors while the others are answered.
 */
class CellRowsTest {

    private static final Path FIXTURES = Path.of("src/test/resources/org/tabserve/fixtures");

    private static List<Object[]> rows(Object[]... rows) {
        return new ArrayList<>(List.of(rows));
    }

    @Test
    void takesANumberForATextInputAsItsTextAndLeavesBadRowsOutWithTheirErrors() throws Exception {
        try (Model model = OnnxModelLoader.load(FIXTURES.resolve("penguins/kg-as-text.onnx"))) {
            BatchScoring scoring = BatchScoring.offline(model);
            CellRows.Scored asText = CellRows.score(
                    scoring, rows(new Object[] {"Torgersen", "3", 181.0}, new Object[] {"Biscoe", "5", 217.0}));
            CellRows.Scored numbers = CellRows.score(
                    scoring,
                    rows(
                            new Object[] {"Torgersen", 3L, 181.0f},
                            new Object[] {"Dream", 1.0E20, 190.0},
                            new Object[] {"Dream", LocalDate.of(2020, 1, 1), 190.0},
                            new Object[] {"Biscoe", 5, 217.0},
                            new Object[] {"Biscoe", "5", Double.NaN}));
            assertArrayEquals(new int[] {0, -1, -1, 1, -1}, numbers.kept());
            assertEquals(asText.scored().predictions(), numbers.scored().predictions());
            assertEquals(List.of(), numbers.errors().get(0));
            assertEquals("body_mass_kg", numbers.errors().get(1).get(0).field());
            assertTrue(
                    numbers.errors().get(1).get(0).message().contains("the number 1.0E20 has no one text form"),
                    numbers.errors().get(1).toString());
            assertTrue(
                    numbers.errors().get(2).get(0).message().contains("got a LocalDate"),
                    numbers.errors().get(2).toString());
            assertEquals(
                    "missing value for 'flipper_length_mm'",
                    numbers.errors().get(4).get(0).message());
            assertEquals(4, numbers.errors().get(4).get(0).row());
        }
    }

    @Test
    void answersEachRowWithItsUncertaintyWhenACoverageIsAsked() throws Exception {
        Path carded = ConformalCards.classifier(Files.createTempDirectory("cell-rows"));
        try (Model model = OnnxModelLoader.load(carded)) {
            RowUncertainty covering = RowUncertainty.at(model.card().conformal(), 0.9);
            CellRows.Scored scored = CellRows.score(
                    BatchScoring.offline(model, covering),
                    rows(new Object[] {8.6661, -2.8073}, new Object[] {2.0, null}));
            assertArrayEquals(new int[] {0, -1}, scored.kept(), scored.errors().toString());
            assertNotNull(scored.scored().uncertainty(0).predictionSet());
            assertEquals(0.9, scored.scored().uncertainty(0).coverage());
            assertNull(scored.scored().explanation(0));
        }
    }
}
