package org.tabserve.model.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tabserve.model.Engine;
import org.tabserve.model.Model;
import org.tabserve.model.onnx.engine.PlainCheck;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.FieldError;
import org.tabserve.model.signature.ModelException;
import org.tabserve.model.signature.Prediction;

/**
 * Issue 61, item 9, the rule "a row's answer is the same bits in any batch, on any route": a linear model's row whose
 * score's products add up to 2<sup>127</sup> or more in magnitude has a float sum whose finiteness depends on the
 * order of adding, and ONNX Runtime's MLAS adds a single row's products in pairs and a batch's fused, so ONNX Runtime
 * itself refuses such a row alone and answers it in a batch. Before the fix the plain engine left such a row to ONNX
 * Runtime: refused alone (no finite probabilities) and answered in a batch of 17 or more (ONNX Runtime's). Now the
 * row is refused before an engine is chosen, alone, in 17 rows and in 1,000, first, last or in the middle, with the
 * same field errors, as a bad cell is refused: by the check of its batch ({@link Batch#of}), so that a caller's
 * {@code ?on_error=row} leaves it out in its place.
 *
 * <p>The rows: the iris row on a logistic regression of iris (no scaler), one with all four features large on
 * the same model, and one on the quick start's StandardScaler + LogisticRegression pipeline (the scaler first); each
 * was found by {@link PlainAtTheExtremesTest#extremeRows} to be refused by ONNX Runtime alone and answered in a batch.
 */
class OverflowingLinearRowsTest {

    private static final String FIXTURES = "src/test/resources/org/tabserve/fixtures/";
    private static final String IRIS = FIXTURES + "iris/iris-single-tensor.onnx";
    private static final String SCALED = FIXTURES + "quickstart/iris-classifier.onnx";
    private static final Object[] ORDINARY = {5.1, 3.5, 1.4, 0.2};

    static Stream<Arguments> rows() {
        return Stream.of(
                Arguments.of(IRIS, new Object[] {5.0, 1.5e38, 1e38, 5e37}, List.of("f1", "f2")),
                Arguments.of(IRIS, new Object[] {3.4e38, -2e38, -2e38, -6.692117984579443}, List.of("f0", "f1", "f2")),
                Arguments.of(
                        SCALED,
                        new Object[] {10.031913305197047, -11.824650954478642, 3.4e38, -2e38},
                        List.of("f2", "f3")));
    }

    @ParameterizedTest
    @MethodSource("rows")
    void aRowWhoseScoreOverflowsInSomeOrderOfAddingIsRefusedAloneAndInEveryBatchAlike(
            String file, Object[] extreme, List<String> blamed) {
        try (Model loaded = OnnxModelLoader.load(Path.of(file))) {
            OnnxModel model = (OnnxModel) loaded;
            assertEquals(
                    Engine.PLAIN_JAVA, model.engine().name(), model.engine().note());
            Batch alone = Batch.of(model.signature(), List.<Object[]>of(ORDINARY)); // an ordinary row is taken
            assertNotNull(model.predict(alone).get(0));
            // The finding as ONNX Runtime has it: no finite answer alone, one in a batch of 17.
            assertNull(onnxRuntime(model, List.<Object[]>of(extreme)).get(0), "ONNX Runtime alone");
            assertNotNull(onnxRuntime(model, rows(extreme, 17, 0)).get(0), "ONNX Runtime in 17 rows");

            String alone1 = outcome(model, rows(extreme, 1, 0), 0);
            for (int size : new int[] {1, 2, 16, 17, 1_000}) {
                for (int at : new int[] {0, size / 2, size - 1}) {
                    assertEquals(alone1, outcome(model, rows(extreme, size, at), at), size + " rows, the row at " + at);
                }
            }
            assertTrue(alone1.startsWith("refused: "), alone1);
            List<String> refused = refusal(() -> Batch.of(model.signature(), rows(extreme, 17, 16)), 16);
            assertEquals("refused: " + refused, alone1, "refused by the check of its batch, as a bad cell is");
            assertEquals(blamed.size(), refused.size(), refused.toString());
            for (int i = 0; i < blamed.size(); i++) {
                assertTrue(refused.get(i).startsWith(blamed.get(i) + ": "), refused.toString());
                assertTrue(
                        refused.get(i).contains("too large for this model: its score overflows float"), refused.get(i));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("rows")
    void theModelRefusesSuchARowWhereverItsBatchWasChecked(String file, Object[] extreme, List<String> blamed) {
        try (Model loaded = OnnxModelLoader.load(Path.of(file))) {
            OnnxModel model = (OnnxModel) loaded;
            // A batch checked against an equal signature without this model's row check (another version's, or a
            // caller's own): the model checks its rows itself, before an engine is chosen.
            org.tabserve.model.signature.ModelSignature bare = new org.tabserve.model.signature.ModelSignature(
                    model.signature().inputs(),
                    model.signature().task(),
                    model.signature().classLabels(),
                    model.signature().outputKind(),
                    model.signature().logits(),
                    model.signature().fixedBatch());
            for (int size : new int[] {1, 17, 1_000}) {
                Batch unchecked = Batch.of(bare, rows(extreme, size, size - 1));
                List<String> refused = refusal(() -> model.predict(unchecked), size - 1);
                assertEquals(blamed.size(), refused.size(), refused.toString());
                refused.forEach(error -> assertTrue(error.contains("too large for this model"), error));
            }
        }
    }

    /**
     * Every linear fixture of {@link PlainAtTheExtremesTest}, on all its extreme rows (one, two and three features at
     * float's extremes): each row that ONNX Runtime answers alone and refuses in a batch of 17, or the other way, is
     * refused by the model, before any engine (99 rows of the iris model's 3,120, 18 of the quick start's).
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(
            strings = {
                IRIS,
                SCALED,
                FIXTURES + "wide/wide-10.onnx",
                FIXTURES + "conformal/banknote-class-weak.onnx",
                FIXTURES + "penguins/species-zipmap.onnx",
                FIXTURES + "penguins/species-labels-in-graph.onnx",
                FIXTURES + "penguins/int64-column.onnx",
                FIXTURES + "boosted/normalized-linear.onnx"
            })
    void everyExtremeRowWhoseFinitenessDependsOnTheBatchIsRefused(String file) {
        try (Model loaded = OnnxModelLoader.load(Path.of(file))) {
            OnnxModel model = (OnnxModel) loaded;
            org.tabserve.model.signature.ModelSignature bare = bare(model);
            Object[] ordinary = PlainCheck.rows(model.card(), model.signature()).get(0);
            int dependent = 0;
            int refused = 0;
            for (Object[] row : PlainAtTheExtremesTest.extremeRows(model, bare)) {
                List<Object[]> seventeen = new ArrayList<>(Collections.nCopies(17, ordinary));
                seventeen.set(0, row);
                boolean alone = model.predictOnnxRuntime(Batch.of(bare, List.<Object[]>of(row)))
                                .get(0)
                        != null;
                boolean inBatch =
                        model.predictOnnxRuntime(Batch.of(bare, seventeen)).get(0) != null;
                boolean refuses = refuses(model, row);
                dependent += alone != inBatch ? 1 : 0;
                refused += refuses ? 1 : 0;
                if (alone != inBatch) {
                    assertTrue(
                            refuses,
                            java.util.Arrays.toString(row) + ": ONNX Runtime alone " + alone + ", in 17 rows " + inBatch
                                    + ", and the model took it");
                }
            }
            assertTrue(refused >= dependent, refused + " refused, " + dependent + " dependent on the batch");
        }
    }

    private static boolean refuses(OnnxModel model, Object[] row) {
        try {
            Batch.of(model.signature(), List.<Object[]>of(row));
            return false;
        } catch (ModelException e) {
            return true;
        }
    }

    /** The model's signature without its row check: what a batch made elsewhere carries. */
    private static org.tabserve.model.signature.ModelSignature bare(OnnxModel model) {
        return new org.tabserve.model.signature.ModelSignature(
                model.signature().inputs(),
                model.signature().task(),
                model.signature().classLabels(),
                model.signature().outputKind(),
                model.signature().logits(),
                model.signature().fixedBatch());
    }

    /** {@code size} rows, the extreme one at {@code at}, the others ordinary. */
    private static List<Object[]> rows(Object[] extreme, int size, int at) {
        List<Object[]> rows = new ArrayList<>(Collections.nCopies(size, ORDINARY));
        rows.set(at, extreme);
        return rows;
    }

    private static List<Prediction> onnxRuntime(OnnxModel model, List<Object[]> rows) {
        org.tabserve.model.signature.ModelSignature bare = new org.tabserve.model.signature.ModelSignature(
                model.signature().inputs(),
                model.signature().task(),
                model.signature().classLabels(),
                model.signature().outputKind(),
                model.signature().logits(),
                model.signature().fixedBatch());
        return model.predictOnnxRuntime(Batch.of(bare, rows));
    }

    /**
     * The refusal of what {@code scoring} does, which must be of the row at {@code at} alone, once the batch is
     * checked and scored.
     *
     * @return its field errors as "field: message"
     */
    private static List<String> refusal(Runnable scoring, int at) {
        ModelException refused = assertThrows(ModelException.class, scoring::run, "refused");
        assertEquals(ModelException.Kind.INVALID_INPUT, refused.kind(), refused.getMessage());
        assertFalse(refused.fieldErrors().isEmpty());
        List<String> errors = new ArrayList<>();
        for (FieldError error : refused.fieldErrors()) {
            assertEquals(at, error.row(), error.toString());
            errors.add(error.field() + ": " + error.message());
        }
        return errors;
    }

    /**
     * The rows scored as a route scores them, checked into a batch and then predicted: the answer of the row at
     * {@code at} ({@link Prediction#toString}: its label and every probability's float), or the refusal of that row
     * alone.
     */
    private static String outcome(Model model, List<Object[]> rows, int at) {
        try {
            return "answered: "
                    + model.predict(Batch.of(model.signature(), rows)).get(at);
        } catch (ModelException e) {
            return "refused: "
                    + refusal(
                            () -> {
                                throw e;
                            },
                            at);
        }
    }
}
