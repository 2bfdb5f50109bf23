package org.tabserve.model.signature;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A signature names its features and classes once, each name once, and keeps its own copy of them. */
class ModelSignatureTest {

    private static final List<String> FEATURES = List.of("variance", "skewness", "curtosis", "entropy");

    private final ModelSignature signature =
            ModelSignature.floatClassifier("input", FEATURES, List.of("genuine", "forged"), OutputKind.PROBABILITIES);

    @Test
    void signatureRefusesDuplicateFeatureOrClassNames() {
        assertThrows(
                IllegalArgumentException.class,
                () -> ModelSignature.floatClassifier(
                        "input", List.of("a", "a"), List.of("0", "1"), OutputKind.PROBABILITIES));
        assertThrows(
                IllegalArgumentException.class,
                () -> ModelSignature.floatClassifier(
                        "input", List.of("a", "b"), List.of("0", "0"), OutputKind.PROBABILITIES));
    }

    @Test
    void signatureRefusesNoFeaturesOrNoClasses() {
        assertThrows(
                IllegalArgumentException.class,
                () -> ModelSignature.floatClassifier("input", List.of(), List.of("0"), OutputKind.PROBABILITIES));
        assertThrows(
                IllegalArgumentException.class,
                () -> ModelSignature.floatClassifier("input", List.of("a"), List.of(), OutputKind.PROBABILITIES));
    }

    @Test
    void signatureKeepsItsOwnCopyOfTheNames() {
        List<String> features = new ArrayList<>(FEATURES);
        ModelSignature copy =
                ModelSignature.floatClassifier("input", features, List.of("0", "1"), OutputKind.PROBABILITIES);
        features.set(0, "changed");
        assertEquals(FEATURES, copy.featureNames());
        assertThrows(
                UnsupportedOperationException.class, () -> copy.featureNames().add("more"));
    }
}
