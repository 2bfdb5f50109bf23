package org.tabserve.web.pages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.cardmaking.CardFileTest;
import org.tabserve.cli.FixtureCards;
import org.tabserve.model.Model;
import org.tabserve.model.onnx.OnnxModelLoader;
import org.tabserve.web.pages.plots.CardPlots;
import org.tabserve.web.pages.plots.Plot;
import org.tabserve.web.pages.plots.Plots;

/**
 * The card page's view model for cards made by the real {@code card} command on the penguins fixtures: each kind of
 * model gets its pictures, with the card's figures (checked against scikit-learn's, recorded by the fixture script);
 * a model without a card gets the command that makes one.
 */
class ModelPagesTest {

    @TempDir
    static Path dir;

    private static Model regressor;
    private static Model binary;
    private static Model species;

    @BeforeAll
    static void makeCards() throws IOException {
        regressor = OnnxModelLoader.load(FixtureCards.card(dir, "body-mass-regressor", "body_mass_g"));
        binary =
                OnnxModelLoader.load(FixtureCards.card(dir, "int64-column", "sex", "--class-names", "0=female,1=male"));
        species = OnnxModelLoader.load(FixtureCards.card(dir, "species-zipmap", "species"));
    }

    @AfterAll
    static void close() {
        for (Model model : new Model[] {regressor, binary, species}) {
            if (model != null) {
                model.close();
            }
        }
    }

    /**
     * Issue 39, item 4: one line per tensor of like columns (69 same rows made the wide model's card 15,000 px tall),
     * one per column where the columns differ (text with known values beside numbers).
     */
    @Test
    void aTensorOfLikeColumnsIsOneLineOfTheFeatureTable() {
        try (Model wide = OnnxModelLoader.load(Path.of("src/test/resources/org/tabserve/fixtures/wide/wide-69.onnx"));
                Model banknote = OnnxModelLoader.load(Path.of("model.onnx"))) {
            List<ModelPage.InputLine> lines = ModelPages.inputs(wide);
            assertEquals(1, lines.size(), lines::toString);
            assertTrue(
                    lines.get(0).feature().startsWith("f0, f1, ")
                            && lines.get(0).feature().endsWith(", … f68 (69 columns)"),
                    lines.get(0).feature());
            assertTrue(
                    lines.get(0).tensor().endsWith("FP32 [N, 69]"), lines.get(0).tensor());
            assertEquals(
                    "variance, skewness, curtosis, entropy",
                    ModelPages.inputs(banknote).get(0).feature());
        }
        assertEquals(
                species.signature().featureNames().size(),
                ModelPages.inputs(species).size(),
                "one line per column input");
    }

    /**
     * Issue 66, item 1: the page says why an input may be missing, as {@code GET /api/model}'s missing_because does:
     * an XGBoost model's trees route a missing value, a scikit-learn GradientBoosting's do not.
     */
    @Test
    void theFeatureTableSaysWhyAnInputMayBeMissing() {
        Path trees = Path.of("src/test/resources/org/tabserve/fixtures/trees");
        try (Model xgb = OnnxModelLoader.load(trees.resolve("xgb-sex.onnx"));
                Model gb = OnnxModelLoader.load(trees.resolve("gb-sex.onnx"))) {
            assertTrue(
                    ModelPages.inputs(xgb).stream()
                            .anyMatch(l -> l.missing().equals("yes: its trees route a missing value")),
                    () -> ModelPages.inputs(xgb).toString());
            assertTrue(
                    ModelPages.inputs(gb).stream().noneMatch(l -> l.missing().startsWith("yes")),
                    () -> ModelPages.inputs(gb).toString());
        }
    }

    @Test
    void aRegressorsPageHasItsErrorsAScatterWithTheDiagonalAndItsResiduals() throws IOException {
        ModelPage page = ModelPages.build(regressor);
        JsonNode sklearn = FixtureCards.sklearn("body-mass-regressor");
        CardPlots.Regression regression = page.regression();
        assertNotNull(regression);
        assertEquals(
                sklearn.get("r2_score").asDouble(),
                Double.parseDouble(regression.r2().value()),
                1e-6);
        assertEquals(
                1,
                Double.parseDouble(regression.mae().value())
                        / sklearn.get("mean_absolute_error").asDouble(),
                1e-6);
        assertEquals(
                String.format(
                        java.util.Locale.ROOT, "%.3f", sklearn.get("r2_score").asDouble()),
                regression.r2().text());
        assertEquals(Integer.toString(sklearn.get("rows").asInt()), regression.rows());

        Plot scatter = regression.scatter();
        assertEquals(sklearn.get("rows").asInt(), scatter.dots().size(), "every row (up to 500) is a dot");
        assertEquals(
                1,
                scatter.lines().stream()
                        .filter(l -> l.cssClass().equals("diagonal"))
                        .count());
        Plot.Line diagonal = scatter.lines().stream()
                .filter(l -> l.cssClass().equals("diagonal"))
                .findFirst()
                .orElseThrow();
        // y = x from corner to corner: up by as much as it goes right (the plot's scales differ by its aspect).
        assertTrue(diagonal.x2() > diagonal.x1() && diagonal.y2() < diagonal.y1(), "rises to the right");
        assertTrue(
                scatter.dots().stream()
                        .allMatch(d -> d.x() >= 52 && d.x() <= Plots.WIDTH && d.y() >= 0 && d.y() <= Plots.XY_HEIGHT),
                "every dot inside the picture");

        long residuals = regression.residuals().rects().stream()
                .mapToLong(r -> Long.parseLong(r.title().split(" ", 2)[0]))
                .sum();
        assertEquals(sklearn.get("rows").asInt(), residuals, "every row in one residual bar");
        assertNull(page.metrics());
        assertNull(page.roc());
        assertNull(page.noCard());
        assertTrue(page.legend().isEmpty(), "one series needs no legend");
        assertFalse(page.histograms().isEmpty());
        assertTrue(
                page.histograms().stream().allMatch(c -> !c.plot().rects().isEmpty()),
                "a regressor's histograms have bars");
        assertEquals(
                List.of("species", "island", "sex"),
                page.categories().stream().map(ModelPage.Chart::feature).toList());
    }

    @Test
    void aBinaryClassifiersPageHasItsRocCurveWithItsAucAndACalibrationPlot() throws IOException {
        ModelPage page = ModelPages.build(binary);
        JsonNode sklearn = FixtureCards.sklearn("int64-column");
        CardPlots.Roc roc = page.roc();
        assertNotNull(roc);
        assertEquals(
                sklearn.get("roc_auc_score").asDouble(),
                Double.parseDouble(roc.auc().value()),
                1e-6);
        assertEquals(
                String.format(
                        java.util.Locale.ROOT,
                        "%.3f",
                        sklearn.get("roc_auc_score").asDouble()),
                roc.auc().text());
        assertEquals("male", roc.positiveClass(), "the second class, by its display name");
        assertEquals(1, roc.plot().curves().size());
        String[] points = roc.plot().curves().get(0).points().split(" ");
        assertTrue(points.length > 10, "a curve, not a line: " + points.length);
        assertEquals(
                1,
                roc.plot().lines().stream()
                        .filter(l -> l.cssClass().equals("diagonal"))
                        .count());

        Plot calibration = page.calibration();
        assertNotNull(calibration);
        long rows = calibration.dots().stream()
                .mapToLong(d -> Long.parseLong(d.title().split(" ", 2)[0]))
                .sum();
        assertEquals(sklearn.get("rows").asInt(), rows, "every row in one calibration bin");
        assertEquals(
                List.of("female", "male"),
                page.legend().stream().map(CardPlots.Legend::displayName).toList());
        assertEquals(
                String.format(
                        java.util.Locale.ROOT,
                        "%.3f",
                        sklearn.get("accuracy_score").asDouble()),
                page.metrics().accuracy());
        assertNull(page.regression());
    }

    @Test
    void textInputsAreDrawnAsCategoryCountsPerClassAsInTheData() throws IOException {
        ModelPage page = ModelPages.build(species);
        assertNull(page.roc(), "three classes: no ROC curve");
        assertNull(page.calibration());
        ModelPage.Chart island = page.categories().stream()
                .filter(c -> c.feature().equals("island"))
                .findFirst()
                .orElseThrow();
        // Counted again here from the CSV the card was made from: "<count> <class>: <island>" per bar.
        Map<String, Long> expected = new HashMap<>();
        List<String> lines = Files.readAllLines(dir.resolve("species-zipmap.labelled.csv"));
        List<String> header = List.of(lines.get(0).split(","));
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",", -1);
            expected.merge(cells[header.indexOf("species")] + ": " + cells[header.indexOf("island")], 1L, Long::sum);
        }
        Map<String, Long> drawn = new HashMap<>();
        for (Plot.Rect bar : island.plot().rects()) {
            String[] countAndRest = bar.title().split(" ", 2);
            if (!countAndRest[0].equals("0")) {
                drawn.put(countAndRest[1], Long.parseLong(countAndRest[0]));
            }
        }
        assertEquals(expected, drawn);
        assertEquals(
                List.of("Adelie", "Chinstrap", "Gentoo"),
                page.legend().stream().map(CardPlots.Legend::label).toList());
        assertTrue(island.plot().rects().stream().anyMatch(r -> r.cssClass().contains("class-2")), "Gentoo's colour");
        assertEquals(
                List.of("island", "sex"),
                page.categories().stream().map(ModelPage.Chart::feature).toList());
    }

    @Test
    void aModelWithoutACardIsGivenTheCommandThatMakesOneWithItsInputs() throws IOException {
        try (Model bare = OnnxModelLoader.load(CardFileTest.FIXTURES.resolve("species-zipmap.onnx"))) {
            ModelPage page = ModelPages.build(bare);
            assertNotNull(page.noCard());
            assertEquals(
                    "java -jar tabserve.war card --model species-zipmap.onnx --data labelled.csv --label <column>"
                            + " --out species-zipmap-with-card.onnx",
                    page.noCard().command());
            String header = Files.readAllLines(CardFileTest.FIXTURES.resolve("species-zipmap.inputs.csv"))
                    .get(0);
            assertEquals(List.of(header.split(",")), page.noCard().columns());
            assertNull(page.metrics());
            assertTrue(page.histograms().isEmpty() && page.categories().isEmpty());
        }
    }

    @Test
    void aFileNameThatIsNotOneShellWordIsQuoted() {
        assertEquals("model.onnx", ModelPages.shellWord("model.onnx"));
        assertEquals("'my model.onnx'", ModelPages.shellWord("my model.onnx"));
        assertEquals("'it'\\''s.onnx'", ModelPages.shellWord("it's.onnx"));
        assertEquals("'$(rm -rf).onnx'", ModelPages.shellWord("$(rm -rf).onnx"));
    }
}
