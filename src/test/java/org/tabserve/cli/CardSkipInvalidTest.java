package org.tabserve.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.model.Model;
import org.tabserve.model.card.Evaluation;
import org.tabserve.model.card.SkippedRows;
import org.tabserve.model.onnx.OnnxModelLoader;

/**
 * {@code card --skip-invalid | --strict} on the real penguins data ({@code data/penguins.csv}: 344 rows, 11 with an
 * empty {@code sex}) and the species model that cannot take a missing sex ({@code species-zipmap.onnx}). Strict, the
 * default, refuses the file and names the way on; {@code --skip-invalid} makes the card from the 333 other rows
 * (its accuracy is scikit-learn's on exactly those rows, {@code inputs_csv_rows} of the fixture's metrics) and the
 * card records that 11 of 344 rows were skipped, with the first reasons by row; a file of bad rows alone is refused
 * either way.
 */
class CardSkipInvalidTest {

    private static final Path MODEL = CardCommandTest.FIXTURES.resolve("species-zipmap.onnx");

    @Test
    void byDefaultTheCardIsRefusedAndTheRefusalNamesSkipInvalid(@TempDir Path dir) {
        Path out = dir.resolve("card.onnx");
        CardCommandTest.Result result = CardCommandTest.run(
                "card",
                "--model",
                MODEL.toString(),
                "--data",
                CardCommandTest.PENGUINS.toString(),
                "--label",
                "species",
                "--out",
                out.toString());
        assertEquals(1, result.status(), result.err());
        assertTrue(result.err().contains("row 3: "), result.err());
        assertTrue(result.err().contains("pass --skip-invalid"), result.err());
        // --text-missing-as is named too, with why it does not fit this model: its sex knows no fill value
        assertTrue(
                result.err()
                        .contains("; --text-missing-as VALUE takes an empty text cell as VALUE for a model whose"
                                + " categories hold an imputer's fill value (such as missing), which this one's do not"
                                + " ('sex' [FEMALE, MALE]); pass --skip-invalid"),
                result.err());
        assertFalse(Files.exists(out));

        CardCommandTest.Result both = CardCommandTest.run(
                "card",
                "--model",
                MODEL.toString(),
                "--data",
                CardCommandTest.PENGUINS.toString(),
                "--label",
                "species",
                "--out",
                out.toString(),
                "--strict",
                "--skip-invalid");
        assertEquals(2, both.status(), both.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void skipInvalidMakesTheCardFromTheOtherRowsAndRecordsHowManyWereSkippedAndWhy(@TempDir Path dir)
            throws IOException {
        Path out = dir.resolve("card.onnx");
        CardCommandTest.Result result = CardCommandTest.run(
                "card",
                "--model",
                MODEL.toString(),
                "--data",
                CardCommandTest.PENGUINS.toString(),
                "--label",
                "species",
                "--out",
                out.toString(),
                "--skip-invalid");
        assertEquals(0, result.status(), result.err());
        assertTrue(result.err().contains("11 of 344 rows of penguins.csv were skipped: row 3: sex: "), result.err());
        JsonNode sklearn = FixtureCards.sklearn("species-zipmap"); // the 333 rows with a sex
        try (Model carded = OnnxModelLoader.load(out)) {
            Evaluation evaluation = carded.card().evaluation();
            assertEquals(sklearn.get("rows").asInt(), evaluation.rows());
            assertEquals(sklearn.get("accuracy_score").asDouble(), evaluation.accuracy(), 1e-6);
            assertEquals(333, ((Number) carded.card().data().get("rows")).longValue());
            List<SkippedRows> skipped = carded.card().skippedRows();
            assertEquals(1, skipped.size());
            assertEquals("penguins.csv", skipped.get(0).file());
            assertEquals(344, skipped.get(0).rows());
            assertEquals(11, skipped.get(0).skipped());
            assertEquals(
                    List.of(3L, 8L, 9L, 10L, 11L), // counted from 0
                    skipped.get(0).reasons().stream()
                            .map(SkippedRows.Reason::row)
                            .toList());
            assertTrue(
                    skipped.get(0).reasons().stream()
                            .allMatch(
                                    r -> r.field().equals("sex") && r.message().contains("missing")),
                    skipped.toString());
        }
    }

    @Test
    void aBadLabelAfterSkippedRowsIsNamedByItsRowInTheFile(@TempDir Path dir) throws IOException {
        List<String> rows =
                new java.util.ArrayList<>(Files.readAllLines(CardCommandTest.FIXTURES.resolve("empty-sex.csv")));
        rows.set(13, rows.get(13).replaceFirst("^Adelie,", "Emperor,")); // row 12 (from 0), after five skipped rows
        Path data = dir.resolve("labels.csv");
        Files.write(data, rows);
        CardCommandTest.Result result = CardCommandTest.run(
                "card",
                "--model",
                MODEL.toString(),
                "--data",
                data.toString(),
                "--label",
                "species",
                "--out",
                dir.resolve("card.onnx").toString(),
                "--skip-invalid");
        assertEquals(1, result.status(), result.err());
        assertTrue(result.err().contains("row 12: label 'Emperor'"), result.err());
    }

    @Test
    void aFileOfBadRowsAloneIsRefusedEvenWhenSkipping(@TempDir Path dir) throws IOException {
        List<String> source = Files.readAllLines(CardCommandTest.FIXTURES.resolve("empty-sex.csv"));
        Path bad = dir.resolve("bad.csv");
        Files.write(bad, List.of(source.get(0), source.get(4), source.get(9), source.get(10)));
        Path out = dir.resolve("card.onnx");
        CardCommandTest.Result result = CardCommandTest.run(
                "card",
                "--model",
                MODEL.toString(),
                "--data",
                bad.toString(),
                "--label",
                "species",
                "--out",
                out.toString(),
                "--skip-invalid");
        assertEquals(1, result.status(), result.err());
        assertTrue(result.err().contains("no row can be used: 3 of 3 rows of bad.csv were skipped"), result.err());
        assertFalse(Files.exists(out));
    }
}
