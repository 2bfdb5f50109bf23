package org.tabserve.model.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.tabserve.model.signature.ModelException;
import org.tabserve.model.signature.Prediction;

/** Assertions shared by the model tests: a {@link Prediction} against a reference, and a refused model file. */
final class ModelAssertions {

    /** How far a probability from ONNX Runtime (float arithmetic) may be from the reference (double arithmetic). */
    static final double TOLERANCE = 1e-5;

    private ModelAssertions() {}

    /**
     * Asserts that {@code actual} gives each class the expected probability and names the most probable class.
     *
     * @param actual   the classifier's answer
     * @param labels   the class label of each reference column
     * @param expected the reference probability of each column
     * @param what     which row this is, for the failure message
     */
    static void assertPrediction(Prediction actual, List<String> labels, double[] expected, String what) {
        assertEquals(labels.size(), expected.length, "reference has one probability per label");
        assertEquals(labels.size(), actual.classification().classes().size(), what + ": number of classes");
        int best = 0;
        for (int c = 0; c < expected.length; c++) {
            assertEquals(
                    expected[c],
                    actual.classification().probabilityOf(labels.get(c)),
                    TOLERANCE,
                    what + ": probability of class " + labels.get(c) + " in " + actual);
            if (expected[c] > expected[best]) {
                best = c;
            }
        }
        for (int c = 0; c < expected.length; c++) {
            assertTrue(
                    c == best || expected[best] - expected[c] > 1e-3,
                    what + ": the test row has no clear winner; choose another row");
        }
        assertEquals(labels.get(best), actual.classification().label(), what + ": predicted label in " + actual);
    }

    /** Asserts a batch of predictions against the reference, row by row. */
    static void assertPredictions(List<Prediction> actual, List<String> labels, double[][] expected) {
        assertEquals(expected.length, actual.size(), "one prediction per row");
        for (int r = 0; r < expected.length; r++) {
            assertPrediction(actual.get(r), labels, expected[r], "row " + r);
        }
    }

    /**
     * Asserts that loading {@code file} fails as {@link ModelException.Kind#UNUSABLE_MODEL} with a message that names
     * the file and contains every one of {@code reasons}.
     *
     * @return the exception, for further checks
     */
    static ModelException assertUnusable(Path file, String... reasons) {
        ModelException e = assertThrows(
                ModelException.class, () -> OnnxModelLoader.load(file).close());
        assertEquals(ModelException.Kind.UNUSABLE_MODEL, e.kind(), e.getMessage());
        assertTrue(e.getMessage().contains(file.toString()), "message names the file: " + e.getMessage());
        for (String reason : reasons) {
            assertTrue(e.getMessage().contains(reason), "message contains '" + reason + "': " + e.getMessage());
        }
        assertEquals(List.of(), e.fieldErrors());
        return e;
    }
}
