package org.tabserve.model.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tabserve.model.Engine;
import org.tabserve.model.Model;
import org.tabserve.model.onnx.engine.OrtAgreement;
import org.tabserve.model.onnx.engine.PlainCheck;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.Feature;
import org.tabserve.model.signature.ModelException;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.model.signature.Prediction;
import org.tabserve.model.signature.ValueType;

/**
 * Issue 61, item 9: at the extremes of float (±3.4e38 and float's largest, ±2e38 that a scaler takes past it, ±1e20
 * whose square overflows), one, two and three features at a time in the card's rows, every fixture the plain engine
 * serves answers a row as ONNX Runtime answers it, to the bit, or refuses it as ONNX Runtime finds no finite answer
 * either. Before the fix a tree classifier's probabilities differed from ONNX Runtime's in their last bits on every
 * row (the post-transform computed in double and rounded, where ONNX Runtime computes it in float), and a linear
 * model answered a row ONNX Runtime refuses: its float sum of products overflowed in MLAS's order of adding and not
 * in plain Java's. Such a row, whose finiteness depends on the order of adding, is now refused before any engine
 * runs it, alone and in every batch ({@link OverflowingLinearRowsTest}), and so is not one to compare engines on: the
 * rows here are those the model takes.
 *
 * <p>One fixture is held to ONNX Runtime's answers within the load check's bound only: the L2 Normalizer brings an
 * extreme row back to ordinary sizes, where plain Java's sum of products and MLAS's differ in the last bit as on any
 * ordinary row of a linear model (MLAS pairs a single row's products and fuses a batch's into multiply-adds).
 */
class PlainAtTheExtremesTest {

    private static final String FIXTURES = "src/test/resources/org/tabserve/fixtures/";

    /** Each tried alone, with another of them and with two others. */
    static final double[] EXTREMES = {
        3.4e38, -3.4e38, Float.MAX_VALUE, -Float.MAX_VALUE, 2e38, -2e38, 1e20, -1e20, 1e19, -1e19
    };

    @ParameterizedTest
    @ValueSource(
            strings = {
                "model.onnx",
                FIXTURES + "quickstart/iris-classifier.onnx",
                FIXTURES + "iris/iris-single-tensor.onnx",
                FIXTURES + "wide/wide-10.onnx",
                FIXTURES + "conformal/banknote-class-weak.onnx",
                FIXTURES + "conformal/banknote-entropy-regressor.onnx",
                FIXTURES + "penguins/species-zipmap.onnx",
                FIXTURES + "penguins/species-labels-in-graph.onnx",
                FIXTURES + "penguins/species-nozipmap.onnx",
                FIXTURES + "penguins/int64-column.onnx",
                FIXTURES + "penguins/body-mass-regressor.onnx",
                FIXTURES + "boosted/sex-boosted.onnx",
                FIXTURES + "floor/banknote-hgb-100x31.onnx",
                FIXTURES + "trees/gb-sex.onnx",
                FIXTURES + "trees/gb-species.onnx",
                FIXTURES + "trees/rf-species.onnx",
                FIXTURES + "trees/hgb-sex.onnx",
                FIXTURES + "trees/hgb-species.onnx",
                FIXTURES + "trees/hgb-body-mass.onnx",
                FIXTURES + "trees/xgb-sex.onnx",
                FIXTURES + "trees/xgb-species.onnx",
                FIXTURES + "trees/xgb-body-mass.onnx"
            })
    void everyExtremeRowIsAnsweredAsOnnxRuntimeAnswersItToTheBitOrRefusedAlike(String file) {
        try (Model loaded = OnnxModelLoader.load(Path.of(file))) {
            OnnxModel model = (OnnxModel) loaded;
            assertEquals(
                    Engine.PLAIN_JAVA, model.engine().name(), model.engine().note());
            Alike alike = alike(model, extremeRows(model), false);
            assertEquals(List.of(), alike.differing, file + ": " + alike);
            assertTrue(alike.answered > 0, file + ": " + alike);
        }
    }

    @Test
    void theNormalizedLinearModelAnswersTheExtremesAsOnnxRuntimeWithinTheLoadChecksBound() {
        try (Model loaded = OnnxModelLoader.load(Path.of(FIXTURES + "boosted/normalized-linear.onnx"))) {
            OnnxModel model = (OnnxModel) loaded;
            Alike alike = alike(model, extremeRows(model), true);
            assertEquals(List.of(), alike.differing, alike.toString());
            assertTrue(alike.answered > 0 && alike.refused > 0, alike.toString());
        }
    }

    /** The card's first rows with one, two and three number features set to {@link #EXTREMES}; those it takes. */
    static List<Object[]> extremeRows(OnnxModel model) {
        return extremeRows(model, model.signature());
    }

    /** {@link #extremeRows(OnnxModel)}, those {@code signature} takes (the model's, or one without its row check). */
    static List<Object[]> extremeRows(OnnxModel model, ModelSignature signature) {
        List<Feature> features = model.signature().features();
        List<Integer> numbers = new ArrayList<>();
        for (int i = 0; i < features.size(); i++) {
            if (features.get(i).type() == ValueType.FLOAT || features.get(i).type() == ValueType.DOUBLE) {
                numbers.add(i);
            }
        }
        int wide = Math.min(numbers.size(), 6); // the first six number features, in a wide model
        List<Object[]> ordinary = PlainCheck.rows(model.card(), model.signature());
        List<Object[]> rows = new ArrayList<>();
        for (Object[] base : ordinary.subList(0, Math.min(3, ordinary.size()))) {
            for (int a = 0; a < wide; a++) {
                for (double x : EXTREMES) {
                    rows.add(with(base, numbers.get(a), x));
                    for (int b = a + 1; b < wide; b++) {
                        for (double y : EXTREMES) {
                            Object[] two = with(with(base, numbers.get(a), x), numbers.get(b), y);
                            rows.add(two);
                            for (int c = b + 1; c < wide; c++) {
                                rows.add(with(two, numbers.get(c), y));
                            }
                        }
                    }
                }
            }
        }
        List<Object[]> taken = new ArrayList<>();
        for (Object[] row : rows) {
            try {
                Batch.of(signature, List.<Object[]>of(row));
                taken.add(row);
            } catch (ModelException e) {
                // a row the model refuses of any caller: not one to compare engines on
            }
        }
        return taken;
    }

    private static Object[] with(Object[] row, int feature, double value) {
        Object[] copy = row.clone();
        copy[feature] = value;
        return copy;
    }

    /**
     * Each row alone as the model serves it (refused: null) against ONNX Runtime's answer for it alone (no finite
     * answer: null).
     */
    static Alike alike(OnnxModel model, List<Object[]> rows, boolean withinTolerance) {
        Alike alike = new Alike();
        for (Object[] row : rows) {
            Batch one = Batch.of(model.signature(), List.<Object[]>of(row));
            Prediction onnxRuntime = model.predictOnnxRuntime(one).get(0);
            Prediction served;
            try {
                served = model.predict(one).get(0);
            } catch (ModelException e) {
                served = null;
            }
            boolean same = withinTolerance
                    ? OrtAgreement.difference(onnxRuntime, served) == null
                    : Objects.equals(onnxRuntime, served);
            if (!same && alike.differing.size() < 5) {
                alike.differing.add(
                        java.util.Arrays.toString(row) + ": ONNX Runtime " + onnxRuntime + ", served " + served);
            }
            alike.differingCount += same ? 0 : 1;
            alike.answered += onnxRuntime != null ? 1 : 0;
            alike.refused += onnxRuntime == null ? 1 : 0;
        }
        return alike;
    }

    /** What {@link #alike} found. */
    static final class Alike {
        final List<String> differing = new ArrayList<>();
        int differingCount;
        int answered;
        int refused;

        @Override
        public String toString() {
            return differingCount + " rows differ (" + answered + " answered by ONNX Runtime, " + refused
                    + " without a finite answer)";
        }
    }
}
