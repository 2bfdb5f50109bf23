package org.tabserve.model;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Named values become rows in the graph's column order in one place, which reports every missing or unknown field. */
class ModelSignatureTest {

    private static final List<String> FEATURES = List.of("variance", "skewness", "curtosis", "entropy");

    private final ModelSignature signature = ModelSignature.floatClassifier("input", FEATURES, List.of("genuine", "forged"), OutputKind.PROBABILITIES);

    private static Map<String, Double> row(double variance, double skewness, double curtosis, double entropy) {
        // Insertion order differs from the model's on purpose.
        Map<String, Double> row = new HashMap<>();
        row.put("entropy", entropy);
        row.put("curtosis", curtosis);
        row.put("skewness", skewness);
        row.put("variance", variance);
        return row;
    }

    @Test
    void orderRowPutsNamedValuesIntoTheGraphsColumnOrder() {
        assertArrayEquals(new double[]{1.5, -2, 3.25, 0}, signature.orderRow(row(1.5, -2, 3.25, 0)));
        assertEquals(4, signature.featureCount());
    }

    @Test
    void orderRowsKeepsTheRowOrder() {
        double[][] ordered = signature.orderRows(List.of(row(1, 2, 3, 4), row(5, 6, 7, 8)));
        assertArrayEquals(new double[]{1, 2, 3, 4}, ordered[0]);
        assertArrayEquals(new double[]{5, 6, 7, 8}, ordered[1]);
    }

    @Test
    void orderRowNamesTheMissingFeature() {
        Map<String, Double> named = row(1, 2, 3, 4);
        named.remove("curtosis");
        ModelException e = assertThrows(ModelException.class, () -> signature.orderRow(named));
        assertEquals(ModelException.Kind.INVALID_INPUT, e.kind());
        assertEquals(List.of(new FieldError(0, "curtosis", "missing value for feature 'curtosis'")), e.fieldErrors());
        assertEquals("missing value for feature 'curtosis'", e.getMessage());
    }

    @Test
    void orderRowNamesAnUnknownFieldAndTheModelsFeatures() {
        Map<String, Double> named = row(1, 2, 3, 4);
        named.put("colour", 1.0);
        ModelException e = assertThrows(ModelException.class, () -> signature.orderRow(named));
        assertEquals(1, e.fieldErrors().size());
        FieldError error = e.fieldErrors().get(0);
        assertEquals("colour", error.field());
        assertTrue(error.message().contains("unknown feature 'colour'") && error.message().contains(FEATURES.toString()),
                error.message());
    }

    @Test
    void orderRowsReportsMissingAndUnknownFieldsOfEveryRowAtOnce() {
        Map<String, Double> misspelt = row(1, 2, 3, 4);
        misspelt.remove("entropy");
        misspelt.put("entrophy", 4.0);
        Map<String, Double> sparse = new HashMap<>();
        sparse.put("curtosis", 3.0);
        sparse.put("entropy", null);
        ModelException e = assertThrows(ModelException.class,
                () -> signature.orderRows(List.of(row(1, 2, 3, 4), misspelt, sparse)));
        assertEquals(ModelException.Kind.INVALID_INPUT, e.kind());
        List<String> found = new ArrayList<>(e.fieldErrors().stream().map(error -> error.row() + " " + error.field()).toList());
        found.sort(null);
        assertEquals(List.of("1 entrophy", "1 entropy", "2 entropy", "2 skewness", "2 variance"), found);
        assertEquals("5 invalid values", e.getMessage());
    }

    @Test
    void signatureRefusesDuplicateFeatureOrClassNames() {
        assertThrows(IllegalArgumentException.class, () -> ModelSignature.floatClassifier("input", List.of("a", "a"), List.of("0", "1"), OutputKind.PROBABILITIES));
        assertThrows(IllegalArgumentException.class, () -> ModelSignature.floatClassifier("input", List.of("a", "b"), List.of("0", "0"), OutputKind.PROBABILITIES));
    }

    @Test
    void signatureRefusesNoFeaturesOrNoClasses() {
        assertThrows(IllegalArgumentException.class, () -> ModelSignature.floatClassifier("input", List.of(), List.of("0"), OutputKind.PROBABILITIES));
        assertThrows(IllegalArgumentException.class, () -> ModelSignature.floatClassifier("input", List.of("a"), List.of(), OutputKind.PROBABILITIES));
    }

    @Test
    void signatureKeepsItsOwnCopyOfTheNames() {
        List<String> features = new ArrayList<>(FEATURES);
        ModelSignature copy = ModelSignature.floatClassifier("input", features, List.of("0", "1"), OutputKind.PROBABILITIES);
        features.set(0, "changed");
        assertEquals(FEATURES, copy.featureNames());
        assertThrows(UnsupportedOperationException.class, () -> copy.featureNames().add("more"));
    }
}
