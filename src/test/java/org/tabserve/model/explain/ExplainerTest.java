package org.tabserve.model.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.cli.FixtureCards;
import org.tabserve.cli.IrisCards;
import org.tabserve.model.Model;
import org.tabserve.model.onnx.OnnxModelLoader;
import org.tabserve.model.signature.Background;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.Prediction;

/**
 * Explanations of the real exporter's fixtures, each carded by the real {@code card} command (which stores the
 * background sample), by coalitions of rows (structural explanations off: {@code AttributeExplainerTest} checks those):
 * base value plus contributions is the model's own output for the row (the predicted class's probability, a
 * regressor's value) on every fixture, the base value is the mean output over the background, the columns are the
 * model's inputs, and the permutation estimate agrees with the exact values within its error.
 */
class ExplainerTest {

    @TempDir
    static Path dir;

    static Path bankNotes;

    @BeforeAll
    static void cardTheBankNoteModel() throws Exception {
        bankNotes = FixtureCards.banknote(dir);
    }

    @Test
    void bankNoteContributionsAddUpToTheProbabilityOfThePredictedClass() {
        assertAdditive(bankNotes, Explanation.EXACT);
    }

    @Test
    void penguinsClassifiersContributionsAddUp() throws Exception {
        for (String model : List.of("species-zipmap", "species-nozipmap", "species-labels-in-graph", "int64-column")) {
            String label = model.equals("int64-column") ? "sex" : "species";
            assertAdditive(FixtureCards.card(dir, model, label), Explanation.EXACT);
        }
    }

    @Test
    void penguinsRegressorContributionsAddUpToItsValue() throws Exception {
        assertAdditive(FixtureCards.card(dir, "body-mass-regressor", "body_mass_g"), Explanation.EXACT);
    }

    @Test
    void irisSingleTensorContributionsAddUp() {
        IrisCards.Run run =
                IrisCards.card(dir, "iris-single-tensor", "--class-names", String.join(",", IrisCards.SPECIES));
        assertEquals(0, run.status(), run.err());
        assertAdditive(run.model(), Explanation.EXACT);
    }

    @Test
    void theWideModelIsEstimatedByPermutationsAndStillAddsUp() throws Exception {
        Path carded = FixtureCards.wide("wide-69", "label", dir.resolve("wide.onnx"));
        assertAdditive(carded, Explanation.PERMUTATION);
    }

    @Test
    void theWideModelsSampledRowCostsTheFixedBudgetAndSaysEachColumnsError() throws Exception {
        Path carded = FixtureCards.wide("wide-69", "label", dir.resolve("wide-budget.onnx"));
        try (Model model = OnnxModelLoader.load(carded)) {
            Explainer explainer = new Explainer(model, model.card().background(), false);
            Batch rows = Batch.of(model.signature(), model.card().background().cells());
            long[] counted = new long[1];
            explainer.explain(rows, 0, n -> counted[0] += n); // the first also answers the background, once
            counted[0] = 0;
            Explanation explanation = explainer.explain(rows, 1, n -> counted[0] += n);
            assertEquals(explainer.modelRowsPerRow(model.signature()), counted[0]);
            assertTrue(counted[0] <= 1 + Explainer.SAMPLED_MODEL_ROWS, counted[0] + " model rows");
            assertEquals(2 * Explainer.pairs(69), explanation.permutations());
            assertEquals(
                    model.signature().featureNames(),
                    List.copyOf(explanation.standardErrors().keySet()));
            assertTrue(
                    explanation.standardErrors().values().stream().allMatch(e -> e > 0 && Double.isFinite(e)),
                    explanation.standardErrors()::toString);
            assertEquals(explanation.output(), explanation.sum(), 1e-9, "additive: " + explanation);
        }
    }

    /**
     * Issue 68: the explained row's own answer goes to the model as the first row of its first call, beside the mixed
     * rows, rather than in a call of its own (each call of the 28-class SVM's graph pays its 1,955 nodes once); no
     * value changes, whatever the calls' size: the explanation is the same, bit for bit, with every row in a call of
     * its own.
     */
    @Test
    void aSampledRowsOwnAnswerGoesInItsFirstCallAndTheCallsSizesChangeNoValue() throws Exception {
        Path carded = FixtureCards.wide("classes-28", "tree", dir.resolve("classes-28.onnx"));
        try (Model model = OnnxModelLoader.load(carded)) {
            Explainer explainer = new Explainer(model, model.card().background(), false);
            Batch rows = Batch.of(model.signature(), model.card().background().cells());
            explainer.explain(rows, 0); // answers the background, once
            int perRow = (int) explainer.modelRowsPerRow(model.signature());
            List<Integer> calls = new ArrayList<>();
            Explanation inOne = explainer.explain(rows, 1, calls::add, Explainer.MAX_ROWS_PER_CALL);
            assertEquals(List.of(perRow), calls, "the row's own answer and its mixed rows in one call");
            calls.clear();
            Explanation chunked = explainer.explain(rows, 1, calls::add, 557);
            assertEquals(List.of(557, 557, 557, perRow - 3 * 557), calls, "calls of 557 rows");
            Explanation alone = explainer.explain(rows, 1, ExplanationMeter.NONE, 1);
            assertEquals(Explanation.PERMUTATION, alone.method());
            assertEquals(alone, inOne);
            assertEquals(alone, chunked);
        }
    }

    @Test
    void anExactRowEvaluatesItsOwnAnswerOnceAndTheBackgroundsOncePerExplainer() {
        try (Model model = OnnxModelLoader.load(bankNotes)) {
            Explainer explainer = new Explainer(model, model.card().background());
            Batch rows = Batch.of(model.signature(), model.card().background().cells());
            int background = model.card().background().size();
            long[] counted = new long[1];
            assertEquals(background + 1 + 14L * background, explainer.modelRows(model.signature(), 1));
            explainer.explain(rows, 0, n -> counted[0] += n);
            assertEquals(1 + 14L * background + background, counted[0], "2^4 - 2 coalitions, the row, the background");
            counted[0] = 0;
            explainer.explain(rows, 1, n -> counted[0] += n);
            assertEquals(1 + 14L * background, counted[0], "the background's answers are kept");
            assertEquals(3 * (1 + 14L * background), explainer.modelRows(model.signature(), 3));
        }
    }

    /** The exact path is the Shapley definition itself, computed here by brute force on rows built from cells. */
    @Test
    void exactValuesEqualTheBruteForceDefinition() {
        try (Model model = OnnxModelLoader.load(bankNotes)) {
            Explainer explainer = new Explainer(model, model.card().background());
            List<Object[]> cells = model.card().background().cells();
            Batch rows = Batch.of(model.signature(), cells);
            for (int row : new int[] {0, 7, 42}) {
                Explanation exact = explainer.exact(rows, row);
                double[] brute = bruteForce(model, cells, row, exact.explainedClass());
                List<String> names = model.signature().featureNames();
                for (int f = 0; f < names.size(); f++) {
                    assertEquals(brute[f], exact.contributions().get(names.get(f)), 1e-12, names.get(f));
                }
                assertEquals(exact.output(), exact.sum(), 1e-12);
            }
        }
    }

    /**
     * Sampling forced on models small enough to be explained exactly, at the budget {@link Explainer#explain} gives
     * their column count (the bank note's 4 columns against the brute force; wide-10's 10 against the exact path):
     * every value within 4 of its standard errors of the exact one, and the contributions add up to 1e-9.
     */
    @Test
    void sampledValuesAgreeWithTheExactOnesWithinTheirErrorsAndAddUp() throws Exception {
        Path wide10 = FixtureCards.wide("wide-10", "label", dir.resolve("wide-10.onnx"));
        for (Path file : List.of(bankNotes, wide10)) {
            try (Model model = OnnxModelLoader.load(file)) {
                Explainer explainer = new Explainer(model, model.card().background(), false);
                List<Object[]> cells = model.card().background().cells();
                Batch rows = Batch.of(model.signature(), cells);
                int columns = model.signature().featureCount();
                int largeErrors = 0;
                for (int row = 0; row < 5; row++) {
                    Explanation exact = explainer.exact(rows, row);
                    if (file == bankNotes) {
                        double[] brute = bruteForce(model, cells, row, exact.explainedClass());
                        for (int f = 0; f < columns; f++) {
                            assertEquals(
                                    brute[f],
                                    exact.contributions()
                                            .get(model.signature()
                                                    .featureNames()
                                                    .get(f)),
                                    1e-12);
                        }
                    }
                    Explanation sampled = explainer.permutation(rows, row, 2 * Explainer.pairs(columns), row);
                    assertEquals(Explanation.PERMUTATION, sampled.method());
                    assertEquals(exact.baseValue(), sampled.baseValue(), 1e-12);
                    assertEquals(exact.output(), sampled.output(), 1e-12);
                    assertEquals(sampled.output(), sampled.sum(), 1e-9, "additive: " + sampled);
                    for (String column : model.signature().featureNames()) {
                        double error = sampled.standardErrors().get(column);
                        double difference = Math.abs(exact.contributions().get(column)
                                - sampled.contributions().get(column));
                        String where = file.getFileName() + " row " + row + " " + column + ": exact "
                                + exact.contributions().get(column) + ", sampled "
                                + sampled.contributions().get(column)
                                + " ± " + error;
                        assertTrue(difference <= 4 * error + 1e-9, where);
                        largeErrors += difference > 2 * error + 1e-9 ? 1 : 0;
                    }
                }
                // Beyond two standard errors about 5 % of the time when the errors are right: far fewer than half.
                assertTrue(largeErrors <= 5 * columns / 4, largeErrors + " of " + 5 * columns + " beyond 2 errors");
            }
        }
    }

    /**
     * The Shapley values of the explained class's probability by their definition: every coalition S, its value the
     * mean over the background of the row taking S's cells from the explained row (built from the cells, not by
     * the explainer's mixed rows), weighted by |S|! (M - |S| - 1)! / M!.
     */
    private static double[] bruteForce(Model model, List<Object[]> cells, int row, String label) {
        int columns = model.signature().featureCount();
        int count = 1 << columns;
        List<Object[]> mixed = new java.util.ArrayList<>();
        for (int mask = 0; mask < count; mask++) {
            for (Object[] background : cells) {
                Object[] cell = background.clone();
                for (int f = 0; f < columns; f++) {
                    if ((mask & (1 << f)) != 0) {
                        cell[f] = cells.get(row)[f];
                    }
                }
                mixed.add(cell);
            }
        }
        List<Prediction> predictions = model.predict(Batch.of(model.signature(), mixed));
        double[] value = new double[count];
        for (int k = 0; k < predictions.size(); k++) {
            value[k / cells.size()] += predictions.get(k).classification().probabilityOf(label) / cells.size();
        }
        double[] phi = new double[columns];
        for (int mask = 0; mask < count; mask++) {
            for (int f = 0; f < columns; f++) {
                if ((mask & (1 << f)) == 0) {
                    int size = Integer.bitCount(mask);
                    phi[f] += factorial(size)
                            * factorial(columns - size - 1)
                            / factorial(columns)
                            * (value[mask | (1 << f)] - value[mask]);
                }
            }
        }
        return phi;
    }

    private static double factorial(int n) {
        return n <= 1 ? 1 : n * factorial(n - 1);
    }

    private static Prediction prediction(List<Prediction> predictions, int row) {
        return predictions.get(row);
    }

    /** Explains a few rows of the model's own background (and the mean of all rows) and checks what must hold. */
    private static void assertAdditive(Path file, String method) {
        try (Model model = OnnxModelLoader.load(file)) {
            Background background = model.card().background();
            assertNotNull(background, "card stores a background sample");
            assertTrue(background.size() > 0 && background.size() <= 100, "size " + background.size());
            assertEquals(model.signature().featureNames(), background.columns());
            Explainer explainer = new Explainer(model, background, false);
            Batch rows = Batch.of(model.signature(), background.cells());
            List<Prediction> predictions = model.predict(rows);
            int[] explained = {0, 1, background.size() / 2, background.size() - 1};
            for (int row : explained) {
                Explanation explanation = explainer.explain(rows, row);
                assertEquals(method, explanation.method(), file.getFileName().toString());
                assertEquals(
                        prediction(predictions, row) instanceof Prediction.Regression
                                ? Explanation.VALUE
                                : Explanation.PROBABILITY,
                        explanation.explained());
                assertEquals(
                        model.signature().featureNames(),
                        List.copyOf(explanation.contributions().keySet()));
                Prediction prediction = predictions.get(row);
                double output;
                double mean = 0;
                if (prediction instanceof Prediction.Classification classification) {
                    assertEquals(classification.label(), explanation.explainedClass());
                    output = classification.probabilityOf(classification.label());
                    for (Prediction each : predictions) {
                        mean += each.classification().probabilityOf(classification.label());
                    }
                } else {
                    output = ((Prediction.Regression) prediction).value();
                    for (Prediction each : predictions) {
                        mean += ((Prediction.Regression) each).value();
                    }
                }
                mean /= predictions.size();
                double scale = Math.max(1, Math.abs(output));
                assertEquals(
                        output, explanation.output(), Explainer.ADDITIVITY_TOLERANCE * scale, file + " row " + row);
                assertEquals(
                        output,
                        explanation.sum(),
                        Explainer.ADDITIVITY_TOLERANCE * scale,
                        file + " row " + row + ": " + explanation);
                assertEquals(mean, explanation.baseValue(), Explainer.ADDITIVITY_TOLERANCE * scale, "base value");
            }
        }
    }
}
