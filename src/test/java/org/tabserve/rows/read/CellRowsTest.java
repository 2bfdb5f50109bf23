package org.tabserve.rows.read;

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
import org.tabserve.model.Model;
import org.tabserve.model.answer.AnswerAssembler;
import org.tabserve.model.answer.BatchScoring;
import org.tabserve.model.answer.ScoredRows;
import org.tabserve.model.answer.SentOrder;
import org.tabserve.model.conformal.RowUncertainty;
import org.tabserve.model.onnx.OnnxModelLoader;
import org.tabserve.model.signature.FieldError;

/**
 * Rows of typed cells (what spark/ hands the core) scored as {@code ?on_error=row} scores a request's: a number for a
 * text input is its text, NaN is missing, and a bad row is left out with its errors while the others are answered;
 * a value of no JSON type is named in the words of its column (an array, a map, a date), never by a class's name
 * alone, and every bad cell of a row is named, whatever else is wrong with it.
 */
class CellRowsTest {

    private static final Path FIXTURES = Path.of("src/test/resources/org/tabserve/fixtures");

    /** The kept rows' answers, each row given in its place, as spark/ pairs them. */
    private record Scored(ScoredRows scored, SentOrder order, List<List<FieldError>> errors) {
        static Scored of(CellRows.Checked checked, BatchScoring scoring) {
            return new Scored(scoring.scoreKept(checked.batch()), checked.order(), checked.errors());
        }
    }

    /** The rows checked by {@link CellRows}, and the kept ones scored, as spark/ scores a batch. */
    private static Scored score(BatchScoring scoring, List<Object[]> rows) {
        return Scored.of(CellRows.check(scoring.model().signature(), rows), scoring);
    }

    /** {@link #score}, the cells given column by column. */
    private static Scored scoreColumns(BatchScoring scoring, Object[][] columns) {
        return Scored.of(CellRows.checkColumns(scoring.model().signature(), columns), scoring);
    }

    private static List<Object[]> rows(Object[]... rows) {
        return new ArrayList<>(List.of(rows));
    }

    @Test
    void takesANumberForATextInputAsItsTextAndLeavesBadRowsOutWithTheirErrors() throws Exception {
        try (Model model = OnnxModelLoader.load(FIXTURES.resolve("penguins/kg-as-text.onnx"))) {
            BatchScoring scoring = AnswerAssembler.offline(model);
            Scored asText =
                    score(scoring, rows(new Object[] {"Torgersen", "3", 181.0}, new Object[] {"Biscoe", "5", 217.0}));
            Scored numbers = score(
                    scoring,
                    rows(
                            new Object[] {"Torgersen", 3L, 181.0f},
                            new Object[] {"Dream", 1.0E20, 190.0},
                            new Object[] {"Dream", LocalDate.of(2020, 1, 1), 190.0},
                            new Object[] {"Biscoe", 5, 217.0},
                            new Object[] {"Biscoe", "5", Double.NaN}));
            assertArrayEquals(new int[] {0, -1, -1, 1, -1}, numbers.order().indexes());
            assertEquals(asText.scored().predictions(), numbers.scored().predictions());
            assertEquals(List.of(), numbers.errors().get(0));
            assertEquals("body_mass_kg", numbers.errors().get(1).get(0).field());
            assertTrue(
                    numbers.errors().get(1).get(0).message().contains("the number 1.0E20 has no one text form"),
                    numbers.errors().get(1).toString());
            assertTrue(
                    numbers.errors().get(2).get(0).message().endsWith("got a date"),
                    numbers.errors().get(2).toString());
            assertEquals(
                    "missing value for 'flipper_length_mm'",
                    numbers.errors().get(4).get(0).message());
            assertEquals(4, numbers.errors().get(4).get(0).row());
        }
    }

    /** Stand-ins shaped as Scala's collections are (Scala is not on this classpath): known by their interfaces. */
    static final class Scala {
        interface Seq {}

        interface Iterable {}

        interface Map extends Iterable {}

        /** As Scala's {@code ArraySeq$ofRef}, what Spark hands an array column's cell over as. */
        static final class ofRef implements Seq {}

        static final class HashMap implements Map {}
    }

    @Test
    void aValueOfNoJsonTypeIsNamedInTheWordsOfItsColumnNeverByAClassNameAlone() throws Exception {
        try (Model model = OnnxModelLoader.load(Path.of("model.onnx"))) {
            Object[][] values = {
                {new Scala.ofRef(), "an array (a list of values)"},
                {List.of(1.0, 2.0), "an array (a list of values)"},
                {new double[] {1.0}, "an array (a list of values)"},
                {new Scala.HashMap(), "a map"},
                {java.util.Map.of("a", 1), "a map"},
                {new byte[] {1}, "binary data (bytes)"},
                {LocalDate.of(2020, 1, 1), "a date"},
                {java.time.Instant.EPOCH, "a date or time"},
            };
            for (Object[] value : values) {
                Scored scored =
                        score(AnswerAssembler.offline(model), rows(new Object[] {value[0], 8.6661, -2.8073, -0.44699}));
                assertEquals(
                        "'variance' must be a number, a string, a boolean or missing, got " + value[1],
                        scored.errors().get(0).get(0).message());
            }
        }
    }

    @Test
    void everyBadCellOfARowIsNamedBesideThreeOfNoJsonType() throws Exception {
        try (Model model = OnnxModelLoader.load(Path.of("model.onnx"))) {
            Scored scored = score(
                    AnswerAssembler.offline(model),
                    rows(
                            new Object[] {new Scala.ofRef(), LocalDate.of(2020, 1, 1), java.util.Map.of(), true},
                            new Object[] {3.6216, 8.6661, -2.8073, -0.44699}));
            assertArrayEquals(new int[] {-1, 0}, scored.order().indexes());
            List<FieldError> errors = scored.errors().get(0);
            assertEquals(
                    List.of("variance", "skewness", "curtosis", "entropy"),
                    errors.stream().map(FieldError::field).toList(),
                    errors.toString());
            assertEquals(
                    "'entropy' must be a number, got a boolean", errors.get(3).message());
            assertEquals(List.of(), scored.errors().get(1));
        }
    }

    @Test
    void answersEachRowWithItsUncertaintyWhenACoverageIsAsked() throws Exception {
        Path carded = ConformalCards.classifier(Files.createTempDirectory("cell-rows"));
        try (Model model = OnnxModelLoader.load(carded)) {
            RowUncertainty covering = RowUncertainty.at(model.card().conformal(), 0.9);
            Scored scored = score(
                    AnswerAssembler.of(() -> model).covering(covering).build(),
                    rows(new Object[] {8.6661, -2.8073}, new Object[] {2.0, null}));
            assertArrayEquals(
                    new int[] {0, -1}, scored.order().indexes(), scored.errors().toString());
            assertNotNull(scored.scored().uncertainty(0).predictionSet());
            assertEquals(0.9, scored.scored().uncertainty(0).coverage());
            assertNull(scored.scored().explanation(0));
        }
    }

    /**
     * A text cell for a number input (a Parquet column of numbers written as text) is read as the server reads the same
     * file's text column ({@link TextCells}): the same answer as the numbers, and unreadable text refused in the
     * server's words for it, not as JSON's "must be a number, got text".
     */
    @Test
    void readsTextForANumberInputAsTheServerReadsAFilesTextColumn() throws Exception {
        try (Model model = OnnxModelLoader.load(Path.of("model.onnx"))) {
            BatchScoring scoring = AnswerAssembler.offline(model);
            Scored numbers = score(scoring, rows(new Object[] {3.6216, 8.6661, -2.8073, -0.44699}));
            Scored text = score(scoring, rows(new Object[] {"3.6216", " 8.6661", "-2.8073", "-0.44699"}, new Object[] {
                "3.6216", "8,6661", "", "NaN"
            }));
            assertArrayEquals(new int[] {0, -1}, text.order().indexes());
            assertEquals(List.of(), text.errors().get(0));
            assertEquals(
                    numbers.scored().predictions(),
                    List.of(text.scored().predictions().get(0)));
            assertEquals(
                    List.of(
                            new FieldError(
                                    1,
                                    "skewness",
                                    TextCells.problem(
                                            model.signature().features().get(1), "8,6661", false)),
                            new FieldError(
                                    1,
                                    "entropy",
                                    TextCells.problem(
                                            model.signature().features().get(3), "NaN", false)),
                            new FieldError(1, "curtosis", "missing value for 'curtosis'")),
                    text.errors().get(1));
            assertTrue(text.errors().get(1).get(0).message().contains("must be a finite decimal number, got '8,6661'"));
        }
    }

    /**
     * The same cells given column by column (spark/'s way, no array per row) keep the same rows, name the same errors
     * and get the same answers as given row by row: bad cells of every kind, a missing value the model refuses in
     * its own check (the imputed pipeline's sex), numbers for text, floats and NaN.
     */
    @Test
    void scoresCellsGivenByColumnAsTheSameCellsGivenByRow() throws Exception {
        try (Model kg = OnnxModelLoader.load(FIXTURES.resolve("penguins/kg-as-text.onnx"));
                Model imputed = OnnxModelLoader.load(FIXTURES.resolve("penguins/species-sex-imputed.onnx"))) {
            assertSameByColumn(
                    AnswerAssembler.offline(kg),
                    new Object[] {"Torgersen", 3L, 181.0f},
                    new Object[] {"Dream", 1.0E20, 190.0},
                    new Object[] {"Dream", LocalDate.of(2020, 1, 1), true},
                    new Object[] {"Biscoe", 5, 217.0},
                    new Object[] {"Biscoe", "5", Double.NaN},
                    new Object[] {"Biscoe", "4", 200.5f});
            assertSameByColumn(
                    AnswerAssembler.offline(imputed),
                    new Object[] {"Torgersen", 39.1, 18.7, 181, 3750, "MALE"},
                    new Object[] {"Torgersen", null, null, null, null, null},
                    new Object[] {"Dream", 36.4, 17.0f, 195, 3325.0, "FEMALE"},
                    new Object[] {"Biscoe", 46.1, Double.NaN, 211L, 4500, null},
                    new Object[] {"Nowhere", 46.1, 13.2, 211, 4500, "FEMALE"});
        }
    }

    private static void assertSameByColumn(BatchScoring scoring, Object[]... given) {
        int width = scoring.model().signature().features().size();
        Object[][] columns = new Object[width][given.length];
        List<Object[]> rows = new ArrayList<>();
        for (int r = 0; r < given.length; r++) {
            rows.add(given[r].clone());
            for (int f = 0; f < width; f++) {
                columns[f][r] = given[r][f];
            }
        }
        Scored byRow = score(scoring, rows);
        Scored byColumn = scoreColumns(scoring, columns);
        assertTrue(byRow.scored().size() > 0, "some row is answered");
        assertTrue(byRow.scored().size() < given.length, "some row is refused");
        assertArrayEquals(byRow.order().indexes(), byColumn.order().indexes());
        assertEquals(byRow.errors(), byColumn.errors());
        assertEquals(byRow.scored().predictions(), byColumn.scored().predictions());
    }
}
