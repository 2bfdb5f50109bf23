package org.tabserve.model.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tabserve.model.onnx.LinearModel.THREE_CLASSES;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tabserve.model.Model;
import org.tabserve.model.card.CardKeys;
import org.tabserve.model.onnx.OnnxModels.Head;
import org.tabserve.model.signature.FieldError;
import org.tabserve.model.signature.ModelException;
import org.tabserve.model.signature.Prediction;
import org.tabserve.testing.QuotedWords;

/** Values the model cannot take are refused before ONNX Runtime sees them, naming every bad feature and its row. */
class InputValidationTest {

    private static final double[] GOOD = {1, 2, 3, 4};

    private static final List<String> FEATURES = List.of("variance", "skewness", "curtosis", "entropy");

    /**
     * Finite floats on which {@code THREE_CLASSES} overflows: column 0's score is +inf and column 1's -inf, so the
     * softmax gives NaN. Only the first two values lie outside {@link #STATS}' ranges.
     */
    private static final double[] OVERFLOWS = {3e38, -3e38, 1, -1};

    private static final String STATS = """
            {"variance": {"min": -7.0, "max": 6.8, "mean": 0.43},
             "skewness": {"min": -13.8, "max": 12.9, "mean": 1.9},
             "curtosis": {"min": -5.3, "max": 17.9, "mean": 1.4},
             "entropy": {"min": -8.5, "max": 2.4, "mean": -1.2}}""";

    @TempDir
    static Path dir;

    private static Model classifier;

    @BeforeAll
    static void load() {
        classifier = OnnxModelLoader.load(OnnxModels.tensorOutput(
                dir.resolve("named.onnx"),
                THREE_CLASSES,
                Head.SOFTMAX,
                false,
                Map.of(CardKeys.FEATURES, "[\"variance\", \"skewness\", \"curtosis\", \"entropy\"]")));
    }

    @AfterAll
    static void close() {
        classifier.close();
    }

    private static ModelException invalid(double[]... rows) {
        ModelException e = assertThrows(ModelException.class, () -> classifier.predict(rows));
        assertEquals(ModelException.Kind.INVALID_INPUT, e.kind(), e.getMessage());
        return e;
    }

    private static void assertOneError(ModelException e, int row, String field, String... fragments) {
        assertEquals(1, e.fieldErrors().size(), e.fieldErrors().toString());
        FieldError error = e.fieldErrors().get(0);
        assertEquals(row, error.row());
        assertEquals(field, error.field());
        assertEquals(error.message(), e.getMessage(), "a single error is the exception's message");
        for (String fragment : fragments) {
            assertTrue(error.message().contains(fragment), "'" + fragment + "' in: " + error.message());
        }
    }

    @Test
    void rowMissingItsLastValueNamesTheMissingFeature() {
        ModelException e = invalid(new double[] {1, 2, 3});
        assertOneError(e, 0, "entropy", "missing value for feature 'entropy'", "3 values", "takes 4");
    }

    @Test
    void rowMissingTwoValuesNamesBothFeatures() {
        ModelException e = invalid(GOOD, new double[] {1, 2});
        assertEquals(
                List.of("curtosis", "entropy"),
                e.fieldErrors().stream().map(FieldError::field).toList());
        assertTrue(
                e.fieldErrors().stream().allMatch(error -> error.row() == 1),
                e.fieldErrors().toString());
        assertEquals("2 invalid values", e.getMessage());
    }

    @Test
    void rowWithAnExtraValueIsRefused() {
        ModelException e = invalid(new double[] {1, 2, 3, 4, 5});
        assertOneError(e, 0, "[4]", "unexpected value at position 5");
    }

    @Test
    void nanIsRefusedNamingTheFeatureAndTheRow() {
        ModelException e = invalid(GOOD, GOOD, new double[] {1, Double.NaN, 3, 4});
        assertOneError(e, 2, "skewness", "'skewness' is NaN", "finite");
    }

    @ParameterizedTest
    @ValueSource(doubles = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
    void infinityIsRefusedNamingTheFeatureAndTheRow(double infinity) {
        ModelException e = invalid(GOOD, new double[] {1, 2, 3, infinity});
        assertOneError(e, 1, "entropy", "'entropy' is " + infinity, "finite");
    }

    @ParameterizedTest
    @ValueSource(doubles = {1e39, -1e39, Double.MAX_VALUE})
    void valueBeyondFloatRangeIsRefusedNamingTheFeatureAndTheRow(double huge) {
        ModelException e = invalid(new double[] {huge, 2, 3, 4});
        assertOneError(e, 0, "variance", "beyond the model's float range");
    }

    @Test
    void everyBadValueOfEveryRowIsReportedAtOnce() {
        ModelException e = invalid(
                new double[] {Double.NaN, 2, 3, 4},
                GOOD,
                new double[] {1, 2, 3, Double.POSITIVE_INFINITY},
                new double[] {1, 2, 1e40});
        assertEquals(
                List.of("0 variance", "2 entropy", "3 curtosis", "3 entropy"),
                e.fieldErrors().stream()
                        .map(error -> error.row() + " " + error.field())
                        .sorted()
                        .toList());
        assertEquals("4 invalid values", e.getMessage());
    }

    @Test
    void manyBadValuesAreCountedButOnlyTheFirstHundredListed() {
        double[][] rows = new double[30][];
        Arrays.fill(rows, new double[] {Double.NaN, Double.NaN, Double.NaN, Double.NaN});
        ModelException e = invalid(rows);
        assertEquals(ModelException.MAX_FIELD_ERRORS, e.fieldErrors().size());
        assertEquals("120 invalid values (first 100 listed)", e.getMessage());
        assertEquals(24, e.fieldErrors().get(99).row());
        assertEquals("entropy", e.fieldErrors().get(99).field());
    }

    @Test
    void singleRowPredictionReportsRowZero() {
        ModelException e =
                assertThrows(ModelException.class, () -> classifier.predict(new double[] {1, 2, Double.NaN, 4}));
        assertEquals(ModelException.Kind.INVALID_INPUT, e.kind());
        assertOneError(e, 0, "curtosis");
    }

    @Test
    void classifierStillPredictsAfterRefusingInput() {
        invalid(new double[] {Double.NaN, 2, 3, 4});
        Prediction prediction = classifier.predict(GOOD);
        double[] expected = THREE_CLASSES.softmax(GOOD);
        ModelAssertions.assertPrediction(prediction, List.of("0", "1", "2"), expected, "good row");
    }

    private static Model namedModel(String fileName, boolean batchOfOne, String featureStats) {
        Map<String, String> card = new LinkedHashMap<>();
        card.put(CardKeys.FEATURES, "[\"variance\", \"skewness\", \"curtosis\", \"entropy\"]");
        if (featureStats != null) {
            card.put(CardKeys.FEATURE_STATS, featureStats);
        }
        return OnnxModelLoader.load(
                OnnxModels.tensorOutput(dir.resolve(fileName), THREE_CLASSES, Head.SOFTMAX, batchOfOne, card));
    }

    private static void assertNonFinite(ModelException e, int row, List<String> features) {
        assertEquals(ModelException.Kind.INVALID_INPUT, e.kind(), e.getMessage());
        assertEquals(
                features.stream().map(f -> row + " " + f).toList(),
                e.fieldErrors().stream()
                        .map(error -> error.row() + " " + error.field())
                        .toList());
        for (FieldError error : e.fieldErrors()) {
            assertTrue(error.message().contains("'" + error.field() + "'"), error.message());
            assertTrue(error.message().contains("no finite probabilities"), error.message());
            QuotedWords.assertQuoted("docs/routes.md", error.message(), " makes the model ");
        }
    }

    @Test
    void overflowingRowIsRefusedNamingItsRowAndEveryFeatureWhenTheCardHasNoRanges() {
        ModelException e = invalid(GOOD, OVERFLOWS);
        assertNonFinite(e, 1, FEATURES);
        assertEquals("4 invalid values", e.getMessage());
    }

    @Test
    void overflowingSingleRowIsRefusedAsRowZero() {
        ModelException e = assertThrows(ModelException.class, () -> classifier.predict(OVERFLOWS));
        assertNonFinite(e, 0, FEATURES);
    }

    @ParameterizedTest(name = "batch fixed at one: {0}")
    @ValueSource(booleans = {false, true})
    void overflowingRowOfABatchIsReportedAtItsIndexWhetherTheBatchRunsAtOnceOrRowByRow(boolean batchOfOne) {
        try (Model model = namedModel("overflow-" + batchOfOne + ".onnx", batchOfOne, null)) {
            assertEquals(batchOfOne, model.signature().fixedBatch() == 1);
            ModelException e =
                    assertThrows(ModelException.class, () -> model.predict(new double[][] {GOOD, OVERFLOWS, GOOD}));
            assertNonFinite(e, 1, FEATURES);
        }
    }

    @Test
    void overflowingRowNamesOnlyTheFeaturesOutsideTheTrainingRange() {
        try (Model model = namedModel("overflow-stats.onnx", false, STATS)) {
            double[] inRange = {1, 2, 3, -4};
            ModelException e =
                    assertThrows(ModelException.class, () -> model.predict(new double[][] {inRange, OVERFLOWS}));
            assertNonFinite(e, 1, List.of("variance", "skewness"));
            assertEquals("2 invalid values", e.getMessage());

            ModelAssertions.assertPrediction(
                    model.predict(inRange),
                    List.of("0", "1", "2"),
                    THREE_CLASSES.softmax(inRange),
                    "good row after the refusal");
        }
    }

    @Test
    void classifierStillPredictsAfterAnOverflowingRow() {
        invalid(GOOD, OVERFLOWS);
        List<Prediction> predictions = classifier.predict(new double[][] {GOOD, LinearModel.ROWS[3]});
        ModelAssertions.assertPredictions(predictions, List.of("0", "1", "2"), new double[][] {
            THREE_CLASSES.softmax(GOOD), THREE_CLASSES.softmax(LinearModel.ROWS[3])
        });
    }
}
