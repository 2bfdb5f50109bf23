package org.tabserve.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.model.Model;
import org.tabserve.model.card.CardKeys;
import org.tabserve.model.onnx.OnnxModelLoader;
import org.tabserve.model.signature.Feature;

/**
 * Issue 66, item 1: {@code card --missing COLS} is in {@code card --help}, writes {@code tabserve.missing}, which the
 * card's own scoring and the loaded model then read; it refuses a name that is not a float or double input, and says
 * which of the inputs named the graph takes a missing value for already (the XGBoost model's trees).
 */
class CardMissingTest {

    private static final Path TREES = Path.of("src/test/resources/org/tabserve/fixtures/trees");

    /** The first 30 penguins with a sex, bill length left empty in every third: sex is the label. */
    private static Path penguins(Path dir) throws IOException {
        List<String> lines = Files.readAllLines(CardCommandTest.PENGUINS);
        List<String> out = new ArrayList<>(List.of(lines.get(0)));
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",", -1);
            if (out.size() <= 30 && !cells[6].isEmpty() && !cells[2].isEmpty()) {
                if (out.size() % 3 == 0) {
                    cells[2] = "";
                }
                out.add(String.join(",", cells));
            }
        }
        Path csv = dir.resolve("penguins.csv");
        Files.write(csv, out);
        return csv;
    }

    private static CardCommandTest.Result card(Path dir, String model, String... more) throws IOException {
        List<String> args = new ArrayList<>(List.of(
                "card",
                "--model",
                TREES.resolve(model).toString(),
                "--data",
                penguins(dir).toString(),
                "--label",
                "sex",
                "--out",
                dir.resolve("card.onnx").toString()));
        args.addAll(List.of(more));
        return CardCommandTest.run(args.toArray(String[]::new));
    }

    @Test
    void theHelpNamesTheOption() {
        CardCommandTest.Result help = CardCommandTest.run("card", "--help");
        assertEquals(0, help.status(), help.err());
        assertTrue(help.out().contains("[--missing COLS]") && help.out().contains("--missing COLS (comma-separated"));
    }

    @Test
    void theNamedInputsTakeAMissingValueInTheCardsScoringAndOnceServed(@TempDir Path dir) throws IOException {
        CardCommandTest.Result refused = card(dir, "gb-sex.onnx");
        assertEquals(1, refused.status(), refused.out());
        assertTrue(refused.err().contains("bill_length_mm"), "no tree of it routes a missing value: " + refused.err());
        CardCommandTest.Result result = card(dir, "gb-sex.onnx", "--missing", "bill_length_mm, body_mass_g");
        assertEquals(0, result.status(), result.err());
        assertTrue(
                result.out().contains("a missing value of bill_length_mm, body_mass_g is taken as NaN (--missing)"),
                result.out());
        try (Model served = OnnxModelLoader.load(dir.resolve("card.onnx"))) {
            assertEquals(
                    "[\"bill_length_mm\",\"body_mass_g\"]",
                    served.card().metadata().get(CardKeys.MISSING));
            List<Feature.Missing> missing =
                    served.signature().features().stream().map(Feature::missing).toList();
            assertEquals(Arrays.asList(Feature.Missing.CARD, null, null, Feature.Missing.CARD), missing);
        }
    }

    @Test
    void aNameThatIsNoNumberInputIsRefusedNamingTheOnesThatAre(@TempDir Path dir) throws IOException {
        CardCommandTest.Result result = card(dir, "gb-sex.onnx", "--missing", "bill_length_mm,beak");
        assertEquals(1, result.status(), result.out());
        assertTrue(
                result.err().contains("--missing names 'beak', which is not an input of the model")
                        && result.err().contains("[bill_length_mm, bill_depth_mm, flipper_length_mm, body_mass_g]"),
                result.err());
        assertFalse(Files.exists(dir.resolve("card.onnx")));
    }

    @Test
    void inputsTheTreesTakeMissingAlreadyAreSaidSo(@TempDir Path dir) throws IOException {
        CardCommandTest.Result result =
                card(dir, "xgb-sex.onnx", "--missing", "bill_length_mm", "--class-names", "FEMALE,MALE");
        assertEquals(0, result.status(), result.err());
        assertTrue(result.out().contains("the graph takes one already for bill_length_mm (trees)"), result.out());
        try (Model served = OnnxModelLoader.load(dir.resolve("card.onnx"))) {
            assertEquals(
                    Feature.Missing.TREES, served.signature().features().get(0).missing(), "the graph's reason first");
        }
    }
}
