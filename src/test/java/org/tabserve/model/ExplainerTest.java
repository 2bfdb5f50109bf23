package org.tabserve.model;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.cli.FixtureCards;
import org.tabserve.cli.IrisCards;
import org.tabserve.model.onnx.OnnxModelLoader;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        bankNotes = FixtureCards.card(Path.of("model.onnx"), Path.of("data/BankNote_Authentication.csv"), "class",
                dir.resolve("banknote.onnx"));
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
        IrisCards.Run run = IrisCards.card(dir, "iris-single-tensor", "--class-names",
                String.join(",", IrisCards.SPECIES));
        assertEquals(0, run.status(), run.err());
        assertAdditive(run.model(), Explanation.EXACT);
    }

    @Test
    void theWideModelIsEstimatedByPermutationsAndStillAddsUp() throws Exception {
        Path wide = Path.of("src/test/resources/org/tabserve/fixtures/wide");
        Path carded = FixtureCards.card(wide.resolve("wide-69.onnx"), wide.resolve("wide-69.labelled.csv"), "label",
                dir.resolve("wide.onnx"));
        assertAdditive(carded, Explanation.PERMUTATION);
    }

    @Test
    void permutationSamplingAgreesWithTheExactValuesWithinItsError() {
        try (Model model = OnnxModelLoader.load(bankNotes)) {
            Explainer explainer = new Explainer(model, model.card().background());
            Batch rows = Batch.of(model.signature(), model.card().background().cells());
            for (int row = 0; row < 5; row++) {
                Explanation exact = explainer.exact(rows, row);
                Explanation sampled = explainer.permutation(rows, row, 200, 7);
                assertEquals(Explanation.PERMUTATION, sampled.method());
                assertEquals(200, sampled.permutations());
                for (String column : model.signature().featureNames()) {
                    double error = sampled.standardErrors().get(column);
                    double difference = Math.abs(exact.contributions().get(column)
                            - sampled.contributions().get(column));
                    assertTrue(difference <= 5 * error + 1e-9, column + ": exact " + exact.contributions().get(column)
                            + ", sampled " + sampled.contributions().get(column) + " ± " + error);
                }
                assertEquals(exact.baseValue(), sampled.baseValue(), 1e-12);
                assertEquals(exact.output(), sampled.output(), 1e-12);
            }
        }
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
                assertEquals(prediction(predictions, row) instanceof Prediction.Regression ? Explanation.VALUE
                        : Explanation.PROBABILITY, explanation.explained());
                assertEquals(model.signature().featureNames(), List.copyOf(explanation.contributions().keySet()));
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
                assertEquals(output, explanation.output(), Explainer.ADDITIVITY_TOLERANCE * scale, file + " row " + row);
                assertEquals(output, explanation.sum(), Explainer.ADDITIVITY_TOLERANCE * scale,
                        file + " row " + row + ": " + explanation);
                assertEquals(mean, explanation.baseValue(), Explainer.ADDITIVITY_TOLERANCE * scale, "base value");
            }
        }
    }
}
