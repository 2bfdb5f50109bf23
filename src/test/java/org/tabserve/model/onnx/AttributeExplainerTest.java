package org.tabserve.model.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.cli.FixtureCards;
import org.tabserve.cli.IrisCards;
import org.tabserve.model.Model;
import org.tabserve.model.explain.Explainer;
import org.tabserve.model.explain.Explanation;
import org.tabserve.model.onnx.graph.GraphParser;
import org.tabserve.model.onnx.shapley.ExplainerHeap;
import org.tabserve.model.onnx.shapley.LoadRoom;
import org.tabserve.model.signature.Background;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.Prediction;
import org.tabserve.testing.BankNotes;
import org.tabserve.testing.LargeForests;

/**
 * The exact explanations from a tree ensemble's trees and a linear model's weights, on the real exporter's fixtures
 * carded by the real {@code card} command, against the Shapley definition computed by brute force over every
 * coalition of the columns: for a random forest's probability and a regressor's value, by the generic
 * {@link Explainer#exact}, which runs the whole model on every mixed row; for a margin, from the estimator's raw score
 * of every mixed row, whose estimator inputs the model itself makes. Each also adds up (base value plus contributions
 * is the output) and names its method and quantity; a model that is neither (the bundled SVM), or whose estimator's
 * inputs mix columns (a Normalizer before a linear model), keeps coalitions. The heap an explainer's reading takes is
 * the process's {@link LoadRoom}'s while the model serves, given back when it closes, and one past the room is refused.
 */
class AttributeExplainerTest {

    private static final double SAME = 1e-9;

    @TempDir
    static Path dir;

    @Test
    void aRandomForestBehindOneHotAndImputerIsExplainedInItsProbabilityAsTheGenericExactPathDoes() throws Exception {
        Path carded = FixtureCards.card(dir, "species-nozipmap", "species");
        assertMatchesTheModelsOwnExactValues(carded, Explanation.TREE, Explanation.PROBABILITY, 1e-6);
    }

    @Test
    void aTreeRegressorWithTextAndMissingValuesIsExplainedInItsValueAsTheGenericExactPathDoes() throws Exception {
        Path carded = FixtureCards.card(dir, "body-mass-regressor", "body_mass_g");
        assertMatchesTheModelsOwnExactValues(carded, Explanation.TREE, Explanation.VALUE, 1e-6);
    }

    @Test
    void aTreeRegressorOnOneTensorIsExplainedInItsValueAsTheGenericExactPathDoes() throws Exception {
        Path fixtures = Path.of("src/test/resources/org/tabserve/fixtures/conformal");
        Path carded = FixtureCards.card(
                fixtures.resolve("banknote-entropy-regressor.onnx"),
                fixtures.resolve("train.csv"),
                "entropy",
                dir.resolve("entropy.onnx"));
        assertMatchesTheModelsOwnExactValues(carded, Explanation.TREE, Explanation.VALUE, 1e-6);
    }

    @Test
    void boostedTreesWithSoftmaxAreExplainedInTheirMarginAsTheShapleyDefinitionSays() {
        IrisCards.Run run =
                IrisCards.card(dir, "iris-undeclared-shape", "--class-names", String.join(",", IrisCards.SPECIES));
        assertEquals(0, run.status(), run.err());
        assertMatchesTheDefinitionOnTheMargin(run.model(), Explanation.TREE);
    }

    @Test
    void binaryBoostedTreesWithALogisticLinkBehindOneHotAndImputerAreExplainedInTheirMargin() throws Exception {
        Path boosted = Path.of("src/test/resources/org/tabserve/fixtures/boosted");
        Path carded = FixtureCards.card(
                boosted.resolve("sex-boosted.onnx"),
                boosted.resolve("sex-boosted.labelled.csv"),
                "sex",
                dir.resolve("boosted.onnx"));
        assertMatchesTheDefinitionOnTheMargin(carded, Explanation.TREE);
    }

    @Test
    void linearPipelinesWithTextMissingValuesAndIntegersAreExplainedInTheirMarginExactly() throws Exception {
        for (String model : List.of("species-zipmap", "species-labels-in-graph", "int64-column", "kg-as-text")) {
            String label = model.equals("int64-column") ? "sex" : "species";
            assertMatchesTheDefinitionOnTheMargin(FixtureCards.card(dir, model, label), Explanation.LINEAR);
        }
    }

    /**
     * Issue 47, item 8: a tree ensemble's row costs its walks, a model row per tree level per background row (500
     * trees of depth 2 against 100 rows: 100,001 with its call), counted so by the meter as well as by the limit.
     */
    @Test
    void aTreeEnsemblesRowCostsAModelRowPerTreeLevelPerBackgroundRow() throws Exception {
        Path boosted = Path.of("src/test/resources/org/tabserve/fixtures/boosted");
        Path carded = FixtureCards.card(
                boosted.resolve("sex-500-trees.onnx"),
                boosted.resolve("sex-boosted.labelled.csv"),
                "sex",
                dir.resolve("sex-500-trees.onnx"));
        try (Model model = OnnxModelLoader.load(carded)) {
            Explainer explainer = new Explainer(model, model.card().background());
            assertEquals(1 + 500 * 2 * 100, explainer.modelRowsPerRow(model.signature()));
            assertEquals(3L * (1 + 500 * 2 * 100), explainer.modelRows(model.signature(), 3));
            assertTrue(
                    explainer
                            .work(model.signature())
                            .contains("500 trees (1000 levels in all) against 100" + " background rows"),
                    explainer.work(model.signature()));
            long[] counted = new long[1];
            Explanation explanation = explainer.explain(
                    Batch.of(model.signature(), model.card().background().cells()), 0, n -> counted[0] += n);
            assertEquals(Explanation.TREE, explanation.method());
            assertEquals(1 + 500 * 2 * 100, counted[0]);
        }
    }

    @Test
    void theWideLinearModelIsExplainedExactlyInOneModelRowPerExplainedRow() throws Exception {
        Path wide = Path.of("src/test/resources/org/tabserve/fixtures/wide");
        Path carded = FixtureCards.card(
                wide.resolve("wide-69.onnx"), wide.resolve("wide-69.labelled.csv"), "label", dir.resolve("wide.onnx"));
        try (Model model = OnnxModelLoader.load(carded)) {
            Explainer explainer = new Explainer(model, model.card().background());
            assertEquals(1, explainer.modelRowsPerRow(model.signature()));
            Batch rows = Batch.of(model.signature(), model.card().background().cells());
            for (int row = 0; row < 3; row++) {
                Explanation explanation = explainer.explain(rows, row);
                assertEquals(Explanation.LINEAR, explanation.method());
                assertEquals(Explanation.MARGIN, explanation.explained());
                assertEquals(
                        explanation.output(), explanation.sum(), 1e-12 * Math.max(1, Math.abs(explanation.output())));
            }
        }
    }

    @Test
    void theBundledSvmHasNoStructuralExplainerAndKeepsCoalitions() throws Exception {
        try (Model model = OnnxModelLoader.load(FixtureCards.banknote(dir))) {
            assertEquals(java.util.Optional.empty(), model.structuralExplainer());
            assertNull(((OnnxModel) model).attributeExplainer());
            Explanation explanation = new Explainer(model, model.card().background())
                    .explain(
                            Batch.of(
                                    model.signature(), model.card().background().cells()),
                            0);
            assertEquals(Explanation.EXACT, explanation.method());
            assertEquals(Explanation.PROBABILITY, explanation.explained());
        }
    }

    @Test
    void aLinearModelBehindANormalizerThatMixesColumnsKeepsCoalitions() throws Exception {
        Path boosted = Path.of("src/test/resources/org/tabserve/fixtures/boosted");
        Path carded = FixtureCards.card(
                boosted.resolve("normalized-linear.onnx"),
                boosted.resolve("normalized-linear.labelled.csv"),
                "sex",
                dir.resolve("normalized.onnx"));
        try (Model model = OnnxModelLoader.load(carded)) {
            assertNull(((OnnxModel) model).attributeExplainer());
            Explanation explanation = new Explainer(model, model.card().background())
                    .explain(
                            Batch.of(
                                    model.signature(), model.card().background().cells()),
                            0);
            assertEquals(Explanation.EXACT, explanation.method());
            assertEquals(Explanation.PROBABILITY, explanation.explained());
        }
    }

    @Test
    void aCardedForestKeepsItsShareWhileItServesAndGivesItBackWhenItCloses() throws Exception {
        Path forest = FixtureCards.card(
                LargeForests.classifier(dir.resolve("small.onnx"), 8, 6),
                BankNotes.DATA,
                "class",
                dir.resolve("small-carded.onnx"));
        long before = LoadRoom.ofHeap().used();
        long kept;
        try (Model model = OnnxModelLoader.load(forest)) {
            assertNotNull(((OnnxModel) model).attributeExplainer(), "the forest is explained from its trees");
            kept = LoadRoom.ofHeap().used() - before;
            assertEquals(
                    ExplainerHeap.of(GraphParser.parse(forest).nodes().get(0)).toKeep(), kept);
        }
        assertEquals(before, LoadRoom.ofHeap().used(), "closing the model gave its share back");
    }

    /**
     * The largest forest whose estimate fits the room at the shipped heap (71 trees of 2,047 nodes, about 25 MB to
     * read of the 25 MB room at -Xmx128m) loads in a JVM of its own with -XX:+ExitOnOutOfMemoryError and is explained
     * from its trees; one tree more (a reading past the room) is refused in words, and that JVM lives too.
     */
    @Test
    void atTheShippedHeapTheLargestForestThatFitsIsExplainedExactlyAndOneMoreTreeIsRefused() throws Exception {
        for (int trees : new int[] {71, 72}) {
            Path forest = FixtureCards.card(
                    LargeForests.classifier(dir.resolve(trees + ".onnx"), trees, 10),
                    BankNotes.DATA,
                    "class",
                    dir.resolve(trees + "-carded.onnx"));
            Path scratch = java.nio.file.Files.createDirectories(dir.resolve("child-" + trees));
            LoadInOwnJvm.Outcome outcome = LoadInOwnJvm.run(forest, scratch, false);
            assertEquals(0, outcome.status(), outcome.output());
            if (trees == 71) {
                assertTrue(
                        outcome.output().contains("loaded ")
                                && outcome.output().contains("explained exactly from its TreeEnsembleClassifier"),
                        outcome.output());
            } else {
                assertTrue(
                        outcome.output().contains("refused: ")
                                && outcome.output().contains("-Xmx"),
                        outcome.output());
            }
        }
    }

    /** The structural values equal the generic exact path's, which evaluates the whole model on every mixed row. */
    private static void assertMatchesTheModelsOwnExactValues(
            Path file, String method, String quantity, double tolerance) {
        try (Model model = OnnxModelLoader.load(file)) {
            Background background = model.card().background();
            Explainer explainer = new Explainer(model, background);
            Batch rows = Batch.of(model.signature(), background.cells());
            for (int row : new int[] {0, 1, background.size() / 2, background.size() - 1}) {
                Explanation fast = explainer.explain(rows, row);
                Explanation exact = explainer.exact(rows, row);
                assertEquals(method, fast.method(), file.toString());
                assertEquals(quantity, fast.explained(), file.toString());
                assertEquals(exact.explainedClass(), fast.explainedClass());
                assertAdds(fast);
                double scale = Math.max(1, Math.abs(exact.output()));
                assertEquals(exact.output(), fast.output(), tolerance * scale, "output");
                assertEquals(exact.baseValue(), fast.baseValue(), tolerance * scale, "base value");
                for (String column : model.signature().featureNames()) {
                    assertEquals(
                            exact.contributions().get(column),
                            fast.contributions().get(column),
                            tolerance * scale,
                            file + " row " + row + " " + column);
                }
            }
        }
    }

    /** The structural values equal the Shapley definition over every coalition, on the estimator's raw score. */
    private static void assertMatchesTheDefinitionOnTheMargin(Path file, String method) {
        try (Model model = OnnxModelLoader.load(file)) {
            AttributeExplainer attributes = ((OnnxModel) model).attributeExplainer();
            assertNotNull(attributes, file + " has a structural explainer");
            Background background = model.card().background();
            Explainer explainer = new Explainer(model, background);
            Batch rows = Batch.of(model.signature(), background.cells());
            for (int row : new int[] {0, background.size() / 2, background.size() - 1}) {
                Explanation fast = explainer.explain(rows, row);
                assertEquals(method, fast.method(), file.toString());
                assertEquals(Explanation.MARGIN, fast.explained(), file.toString());
                Prediction prediction = model.predict(rows).get(row);
                assertEquals(prediction.classification().label(), fast.explainedClass());
                assertAdds(fast);
                double[] phi =
                        bruteForce(model, attributes, background, rows, row, attributes.scoreOf(fast.explainedClass()));
                List<String> names = model.signature().featureNames();
                double scale = Math.max(1, Math.abs(fast.output()));
                for (int f = 0; f < names.size(); f++) {
                    assertEquals(
                            phi[f],
                            fast.contributions().get(names.get(f)),
                            SAME * scale * 1000,
                            file + " row " + row + " " + names.get(f));
                }
            }
        } catch (ai.onnxruntime.OrtException e) {
            throw new AssertionError(e);
        }
    }

    /** Shapley values by definition: v(S) is the mean margin over b of the row with S from x and the rest from b. */
    private static double[] bruteForce(
            Model model, AttributeExplainer attributes, Background background, Batch rows, int row, int target)
            throws ai.onnxruntime.OrtException {
        int columns = model.signature().featureCount();
        List<Object[]> cells = background.cells();
        Object[] x = cells.get(row);
        int coalitions = 1 << columns;
        List<Object[]> mixed = new ArrayList<>();
        for (int mask = 0; mask < coalitions; mask++) {
            for (Object[] b : cells) {
                Object[] hybrid = b.clone();
                for (int f = 0; f < columns; f++) {
                    if ((mask & (1 << f)) != 0) {
                        hybrid[f] = x[f];
                    }
                }
                mixed.add(hybrid);
            }
        }
        double[] margins = attributes.margins(Batch.of(model.signature(), mixed), target);
        double[] value = new double[coalitions];
        for (int mask = 0; mask < coalitions; mask++) {
            for (int b = 0; b < cells.size(); b++) {
                value[mask] += margins[mask * cells.size() + b] / cells.size();
            }
        }
        double[] phi = new double[columns];
        for (int mask = 0; mask < coalitions; mask++) {
            int size = Integer.bitCount(mask);
            for (int f = 0; f < columns; f++) {
                if ((mask & (1 << f)) == 0) {
                    double weight = 1.0 / (columns * binomial(columns - 1, size));
                    phi[f] += weight * (value[mask | (1 << f)] - value[mask]);
                }
            }
        }
        return phi;
    }

    private static double binomial(int n, int k) {
        double result = 1;
        for (int i = 1; i <= k; i++) {
            result = result * (n - k + i) / i;
        }
        return result;
    }

    private static void assertAdds(Explanation explanation) {
        assertEquals(
                explanation.output(),
                explanation.sum(),
                1e-12 * Math.max(1, Math.abs(explanation.output())),
                explanation.toString());
    }
}
