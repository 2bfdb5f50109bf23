package org.tabserve.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.model.Model;
import org.tabserve.model.card.CardKeys;
import org.tabserve.model.onnx.OnnxModelLoader;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.Feature;
import org.tabserve.model.signature.ModelException;
import org.tabserve.model.signature.Prediction;

/** card --text-missing-as on species-sex-imputed.onnx, whose sex encoder knows "missing" (an imputer's value). */
class TextMissingAsTest {

    private static final Path MODEL = CardCommandTest.FIXTURES.resolve("species-sex-imputed.onnx");

    private static CardCommandTest.Result card(Path out, String... more) {
        List<String> args = new ArrayList<>(List.of(
                "card",
                "--model",
                MODEL.toString(),
                "--data",
                CardCommandTest.PENGUINS.toString(),
                "--label",
                "species",
                "--out",
                out.toString()));
        args.addAll(List.of(more));
        return CardCommandTest.run(args.toArray(String[]::new));
    }

    @Test
    void anEmptySexIsTakenAsMissingWithAWarningAndGivesScikitLearnsAnswers(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("card.onnx");
        CardCommandTest.Result result = card(out, "--text-missing-as", "missing");
        assertEquals(0, result.status(), result.err());
        assertTrue(result.out().contains("an empty cell of sex is taken as \"missing\""), result.out());
        JsonNode expected = CardCommandTest.JSON.readTree(CardCommandTest.FIXTURES
                .resolve("species-sex-imputed.expected.json")
                .toFile());
        try (Model served = OnnxModelLoader.load(out)) {
            assertEquals("{\"sex\":\"missing\"}", served.card().metadata().get(CardKeys.TEXT_MISSING_AS));
            List<Feature> features = served.signature().features();
            assertEquals("missing", features.get(features.size() - 1).missingAs());
            assertEquals(null, features.get(0).missingAs(), "island's categories do not hold \"missing\"");
            List<Object[]> rows = new ArrayList<>();
            for (JsonNode row : expected.get("rows")) {
                Object[] cells = new Object[features.size()];
                for (int f = 0; f < cells.length; f++) {
                    JsonNode cell = row.get("inputs").get(features.get(f).name());
                    // an empty sex goes in as sent, "": a missing value, as an empty CSV cell is
                    cells[f] = cell.isNull() ? null : cell.isNumber() ? (Object) cell.asDouble() : cell.asText();
                }
                rows.add(cells);
            }
            Batch batch = Batch.of(served.signature(), rows);
            List<Prediction> answers = served.predict(batch);
            assertEquals(11, answers.size());
            for (int r = 0; r < answers.size(); r++) {
                JsonNode want = expected.get("rows").get(r);
                assertEquals(
                        want.get("label").asText(),
                        ((Prediction.Classification) answers.get(r)).label(),
                        "row " + want.get("row"));
                for (String cls : List.of("Adelie", "Chinstrap", "Gentoo")) {
                    assertEquals(
                            want.get("probabilities").get(cls).asDouble(),
                            ((Prediction.Classification) answers.get(r)).probabilityOf(cls),
                            1e-5,
                            "row " + want.get("row") + " " + cls);
                }
                assertTrue(
                        batch.warnings(r).stream().anyMatch(w -> w.message().contains("taken as \"missing\"")),
                        batch.warnings(r).toString());
            }
        }
    }

    @Test
    void withoutTheFlagAnEmptySexIsRefusedNamingTheWayOn(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("card.onnx");
        CardCommandTest.Result result = card(out);
        assertEquals(1, result.status(), result.out());
        assertTrue(result.err().contains("missing value for 'sex'"), result.err());
        // the card's ways on, both: the option models.md documents for an imputer's fill value, and skipping the rows
        assertTrue(
                result.err()
                        .contains("; pass --text-missing-as missing to take an empty cell of 'sex' as \"missing\","
                                + " which the model knows"),
                result.err());
        assertTrue(
                result.err().contains(", or pass --skip-invalid to make the card from the other rows"), result.err());
        assertFalse(Files.exists(out));
        try (Model given = OnnxModelLoader.load(MODEL)) {
            for (Object sex : new Object[] {null, ""}) { // null or an empty text: both a missing value
                Object[] row = {"Torgersen", 39.1, 18.7, 181.0, 3750.0, sex};
                ModelException refused =
                        assertThrows(ModelException.class, () -> Batch.of(given.signature(), List.<Object[]>of(row)));
                assertTrue(refused.getMessage().contains("send \"missing\""), refused.getMessage());
            }
        }
    }

    @Test
    void aValueNoTextInputKnowsIsRefusedNamingTheInputsCategories(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("card.onnx");
        CardCommandTest.Result result = card(out, "--text-missing-as", "unknown");
        assertEquals(1, result.status(), result.out());
        assertTrue(
                result.err().contains("\"unknown\" is not a category of any text input")
                        && result.err().contains("'sex' [FEMALE, MALE, missing]"),
                result.err());
        assertFalse(Files.exists(out));
    }
}
