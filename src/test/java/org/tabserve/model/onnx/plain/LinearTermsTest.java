package org.tabserve.model.onnx.plain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tabserve.model.onnx.graph.ml.MlModels.floats;
import static org.tabserve.model.onnx.graph.ml.MlModels.ints;
import static org.tabserve.model.onnx.graph.ml.MlModels.text;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.tabserve.model.onnx.graph.ElementType;
import org.tabserve.model.onnx.graph.GraphParser;
import org.tabserve.model.onnx.graph.OnnxGraph;
import org.tabserve.model.onnx.graph.ml.Coefficients;
import org.tabserve.model.onnx.graph.ml.Imputation;
import org.tabserve.model.onnx.graph.ml.MlModels;
import org.tabserve.model.onnx.graph.ml.Normalization;
import org.tabserve.model.onnx.graph.ml.Scaling;

/**
 * Issue 61, item 9: which rows of a linear model have a score that overflows float in some order of adding its terms
 * ({@link Coefficients#orderless}): the safe magnitude found at load from each node's bound is sound (no row within it
 * is orderless, and ONNX Runtime answers every such row finitely alone and in a batch) and tight for a model without
 * nodes before its estimator (a row a thousandth beyond it, its terms of one sign, is orderless), and each node before
 * the estimator bounds what it makes, or says it cannot.
 */
class LinearTermsTest {

    private static final Path FIXTURES = Path.of("src/test/resources/org/tabserve/fixtures");
    private static final int FEATURES = 3;
    private static final float[] WEIGHTS = {2f, -1f, 0.5f, -1f, 1f, 1f, 0.25f, 0.25f, -3f};

    private static byte[] classifier(float... intercepts) {
        return MlModels.model(
                MlModels.node("LinearClassifier", true)
                        .addAttribute(floats("coefficients", WEIGHTS))
                        .addAttribute(floats("intercepts", intercepts))
                        .addAttribute(ints("classlabels_ints", 0, 1, 2))
                        .addAttribute(text("post_transform", "NONE"))
                        .build(),
                MlModels.FLOAT,
                FEATURES,
                MlModels.INT64,
                3);
    }

    private static LinearTerms terms(OnnxGraph graph, Set<String> numbers) throws Unsupported {
        return LinearTerms.compile(
                graph, graph.outputs().stream().map(o -> o.name()).toList(), numbers);
    }

    @Test
    void noRowWithinTheSafeMagnitudeIsOrderlessAndOneAThousandthBeyondCanBe() throws Exception {
        LinearTerms terms = terms(GraphParser.parse(ByteBuffer.wrap(classifier(0.5f, -1f, 2f))), Set.of("x"));
        float safe = (float) terms.safeInput();
        // Each class's weights add up to 3.5 in magnitude: the largest safe value is float's largest / 3.5, less the
        // slack for float's rounding (a few parts in a million).
        assertEquals(Float.MAX_VALUE / 3.5, safe, Float.MAX_VALUE / 3.5 * 1e-5);
        for (int signs = 0; signs < 1 << FEATURES; signs++) {
            float[] row = new float[FEATURES];
            for (int j = 0; j < FEATURES; j++) {
                row[j] = (signs & 1 << j) == 0 ? safe : -safe;
            }
            assertFalse(orderless(terms, row), "±safe, signs " + signs);
        }
        float beyond = safe * 1.001f;
        assertTrue(orderless(terms, new float[] {beyond, -beyond, beyond}), "the first score's terms all positive");
        assertFalse(orderless(terms, new float[] {beyond, beyond, beyond}), "no score's terms of one sign");
        assertTrue(orderless(terms, new float[] {0, Float.MAX_VALUE, 0}), "a product beyond float's range");
        assertFalse(orderless(terms, new float[] {Float.NaN, Float.MAX_VALUE, 0}), "NaN in every order: not orderless");
    }

    /**
     * The premise, on ONNX Runtime itself: rows within the safe magnitude (every sign pattern at it, and random rows
     * of huge values below it) have finite scores alone and in a batch of 17, whichever kernel adds them.
     */
    @Test
    void onnxRuntimeAnswersEveryRowWithinTheSafeMagnitudeFinitelyAloneAndInABatch() throws Exception {
        byte[] model = classifier(0.5f, -1f, 2f);
        float safe = (float)
                terms(GraphParser.parse(ByteBuffer.wrap(model)), Set.of("x")).safeInput();
        SplittableRandom random = new SplittableRandom(61);
        float[][] rows = new float[200][FEATURES];
        for (int r = 0; r < rows.length; r++) {
            for (int j = 0; j < FEATURES; j++) {
                float size = r < 1 << FEATURES ? safe : (float) (safe * random.nextDouble());
                rows[r][j] = (r < 1 << FEATURES ? (r & 1 << j) == 0 : random.nextBoolean()) ? size : -size;
            }
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            try (OrtSession session = env.createSession(model, options)) {
                for (float[] row : rows) {
                    float[] batch = new float[17 * FEATURES];
                    for (int r = 0; r < 17; r++) {
                        System.arraycopy(row, 0, batch, r * FEATURES, FEATURES);
                    }
                    assertNull(notFinite(env, session, row, 1), java.util.Arrays.toString(row) + " alone");
                    assertNull(notFinite(env, session, batch, 17), java.util.Arrays.toString(row) + " in 17");
                }
            }
        }
    }

    @Test
    void anInterceptOfFloatsLargestLeavesNoSafeMagnitude() throws Exception {
        LinearTerms terms =
                terms(GraphParser.parse(ByteBuffer.wrap(classifier(0.5f, Float.MAX_VALUE, 2f))), Set.of("x"));
        assertEquals(-1, terms.safeInput());
        assertTrue(orderless(terms, new float[] {0, 0, 0}));
    }

    @Test
    void aGraphWithoutALinearOperatorHasNoTerms() throws Exception {
        OnnxGraph trees = GraphParser.parse(FIXTURES.resolve("trees/gb-sex.onnx"));
        assertNull(terms(trees, Set.of()));
    }

    /**
     * The fixtures' nodes before their estimator: an L2 Normalizer makes every float row safe; a StandardScaler and
     * an Imputer, a OneHotEncoder of text and a Concat keep a safe magnitude far above any real value (1e20 rows are
     * never computed twice), a text input bounded by its encoder alone.
     */
    @Test
    void theNodesBeforeTheEstimatorBoundItsInput() throws Exception {
        OnnxGraph normalized = GraphParser.parse(FIXTURES.resolve("boosted/normalized-linear.onnx"));
        assertEquals(Float.MAX_VALUE, terms(normalized, numbers(normalized)).safeInput());
        OnnxGraph iris = GraphParser.parse(FIXTURES.resolve("iris/iris-single-tensor.onnx"));
        OnnxGraph scaled = GraphParser.parse(FIXTURES.resolve("quickstart/iris-classifier.onnx"));
        OnnxGraph penguins = GraphParser.parse(FIXTURES.resolve("penguins/species-zipmap.onnx"));
        for (OnnxGraph graph : List.of(iris, scaled, penguins)) {
            double safe = terms(graph, numbers(graph)).safeInput();
            assertTrue(safe > 1e35 && safe < Float.MAX_VALUE, String.valueOf(safe));
        }
        assertTrue(
                terms(penguins, numbers(penguins)).safeInput() > 0,
                "the text inputs, unbounded, go through their OneHotEncoders: " + numbers(penguins));
    }

    @Test
    void eachColumnOperatorBoundsItsOutputOrSaysItCannot() throws Exception {
        PlainOp scaler = ColumnOps.scaler(Scaling.read(MlModels.attributesOf(MlModels.node("Scaler", false)
                .addAttribute(floats("offset", 1f, -3f))
                .addAttribute(floats("scale", 0.5f, -2f))
                .build())));
        assertEquals((10 + 3) * 2, scaler.bound(new double[] {10}));
        PlainOp imputer = ColumnOps.imputer(Imputation.read(MlModels.attributesOf(MlModels.node("Imputer", false)
                .addAttribute(floats("imputed_value_floats", 7f, -40f))
                .build())));
        assertEquals(40, imputer.bound(new double[] {10}));
        assertEquals(50, imputer.bound(new double[] {50}));
        for (String norm : new String[] {"L1", "L2"}) {
            PlainOp normalizer =
                    ColumnOps.normalizer(Normalization.read(MlModels.attributesOf(MlModels.node("Normalizer", false)
                            .addAttribute(text("norm", norm))
                            .build())));
            assertEquals(1, normalizer.bound(new double[] {Double.POSITIVE_INFINITY}), norm);
        }
        PlainOp max = ColumnOps.normalizer(Normalization.read(MlModels.attributesOf(MlModels.node("Normalizer", false)
                .addAttribute(text("norm", "MAX"))
                .build())));
        assertEquals(Double.POSITIVE_INFINITY, max.bound(new double[] {1}), "divided by the largest value, not size");
    }

    private static Set<String> numbers(OnnxGraph graph) {
        Set<String> numbers = new java.util.HashSet<>();
        graph.inputs().forEach(input -> {
            if (input.tensor().orElseThrow().elementType() != ElementType.STRING) {
                numbers.add(input.name());
            }
        });
        return numbers;
    }

    private static boolean orderless(LinearTerms terms, float[] row) {
        return terms.orderless(Map.of("x", PlainTensor.floats(1, row.length, row)), 1)[0];
    }

    /** @return null when every score of the {@code rows} rows is finite, else the first that is not */
    private static String notFinite(OrtEnvironment env, OrtSession session, float[] values, int rows) throws Exception {
        try (OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(values), new long[] {rows, FEATURES});
                OrtSession.Result result = session.run(Map.of("x", x))) {
            float[][] scores = (float[][]) result.get("scores").orElseThrow().getValue();
            for (float[] row : scores) {
                for (float s : row) {
                    if (!Float.isFinite(s)) {
                        return java.util.Arrays.toString(row);
                    }
                }
            }
            return null;
        }
    }
}
