package org.tabserve.model;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tabserve.model.OnnxModels.Head;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tabserve.model.LinearModel.THREE_CLASSES;

/** Values the model cannot take are refused before ONNX Runtime sees them, naming every bad feature and its row. */
class InputValidationTest {

    private static final double[] GOOD = {1, 2, 3, 4};

    @TempDir
    static Path dir;

    private static OnnxClassifier classifier;

    @BeforeAll
    static void load() {
        classifier = OnnxClassifier.load(OnnxModels.tensorOutput(dir.resolve("named.onnx"), THREE_CLASSES, Head.SOFTMAX,
                false, Map.of(CardKeys.FEATURES, "[\"variance\", \"skewness\", \"curtosis\", \"entropy\"]")));
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
        ModelException e = invalid(new double[]{1, 2, 3});
        assertOneError(e, 0, "entropy", "missing value for feature 'entropy'", "3 values", "takes 4");
    }

    @Test
    void rowMissingTwoValuesNamesBothFeatures() {
        ModelException e = invalid(GOOD, new double[]{1, 2});
        assertEquals(List.of("curtosis", "entropy"), e.fieldErrors().stream().map(FieldError::field).toList());
        assertTrue(e.fieldErrors().stream().allMatch(error -> error.row() == 1), e.fieldErrors().toString());
        assertEquals("2 invalid values", e.getMessage());
    }

    @Test
    void rowWithAnExtraValueIsRefused() {
        ModelException e = invalid(new double[]{1, 2, 3, 4, 5});
        assertOneError(e, 0, "[4]", "unexpected value at position 5");
    }

    @Test
    void nanIsRefusedNamingTheFeatureAndTheRow() {
        ModelException e = invalid(GOOD, GOOD, new double[]{1, Double.NaN, 3, 4});
        assertOneError(e, 2, "skewness", "'skewness' is NaN", "finite");
    }

    @ParameterizedTest
    @ValueSource(doubles = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
    void infinityIsRefusedNamingTheFeatureAndTheRow(double infinity) {
        ModelException e = invalid(GOOD, new double[]{1, 2, 3, infinity});
        assertOneError(e, 1, "entropy", "'entropy' is " + infinity, "finite");
    }

    @ParameterizedTest
    @ValueSource(doubles = {1e39, -1e39, Double.MAX_VALUE})
    void valueBeyondFloatRangeIsRefusedNamingTheFeatureAndTheRow(double huge) {
        ModelException e = invalid(new double[]{huge, 2, 3, 4});
        assertOneError(e, 0, "variance", "beyond the model's float range");
    }

    @Test
    void everyBadValueOfEveryRowIsReportedAtOnce() {
        ModelException e = invalid(
                new double[]{Double.NaN, 2, 3, 4},
                GOOD,
                new double[]{1, 2, 3, Double.POSITIVE_INFINITY},
                new double[]{1, 2, 1e40});
        assertEquals(List.of("0 variance", "2 entropy", "3 curtosis", "3 entropy"),
                e.fieldErrors().stream().map(error -> error.row() + " " + error.field()).sorted().toList());
        assertEquals("4 invalid values", e.getMessage());
    }

    @Test
    void manyBadValuesAreCountedButOnlyTheFirstHundredListed() {
        double[][] rows = new double[30][];
        Arrays.fill(rows, new double[]{Double.NaN, Double.NaN, Double.NaN, Double.NaN});
        ModelException e = invalid(rows);
        assertEquals(ModelException.MAX_FIELD_ERRORS, e.fieldErrors().size());
        assertEquals("120 invalid values (first 100 listed)", e.getMessage());
        assertEquals(24, e.fieldErrors().get(99).row());
        assertEquals("entropy", e.fieldErrors().get(99).field());
    }

    @Test
    void singleRowPredictionReportsRowZero() {
        ModelException e = assertThrows(ModelException.class, () -> classifier.predict(new double[]{1, 2, Double.NaN, 4}));
        assertEquals(ModelException.Kind.INVALID_INPUT, e.kind());
        assertOneError(e, 0, "curtosis");
    }

    @Test
    void classifierStillPredictsAfterRefusingInput() {
        invalid(new double[]{Double.NaN, 2, 3, 4});
        Prediction prediction = classifier.predict(GOOD);
        double[] expected = THREE_CLASSES.softmax(GOOD);
        ModelAssertions.assertPrediction(prediction, List.of("0", "1", "2"), expected, "good row");
    }
}
