package org.tabserve.model.onnx.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tabserve.model.Engine;
import org.tabserve.model.Model;
import org.tabserve.model.onnx.OnnxModelLoader;
import org.tabserve.model.onnx.graph.GraphParser;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.Prediction;
import org.tabserve.testing.LargeForests;

/**
 * Which engine a model gets at load, and that a plain-Java graph answers as ONNX Runtime: each single row (plain
 * Java) against the same row in a batch of 100 rows answered by ONNX Runtime alone, on the rows
 * the check draws (text and missing values among them), for every fixture the plain operators run.
 */
class PlainCheckTest {

    private static final String FIXTURES = "src/test/resources/org/tabserve/fixtures/";

    @ParameterizedTest
    @ValueSource(
            strings = {
                "model.onnx",
                FIXTURES + "iris/iris-single-tensor.onnx",
                FIXTURES + "wide/wide-69.onnx",
                FIXTURES + "conformal/banknote-class-weak.onnx",
                FIXTURES + "penguins/species-zipmap.onnx",
                FIXTURES + "penguins/species-labels-in-graph.onnx",
                FIXTURES + "penguins/kg-as-text.onnx"
            })
    void aGraphThePlainOperatorsRunAnswersSingleRowsAsOnnxRuntimeDoes(String file) {
        try (Model model = OnnxModelLoader.load(Path.of(file))) {
            assertEquals(
                    Engine.PLAIN_JAVA, model.engine().name(), model.engine().note());
            List<Object[]> rows =
                    PlainCheck.rows(model.card(), model.signature()).subList(0, 100);
            Batch batch = Batch.of(model.signature(), rows);
            List<Prediction> onnxRuntime = ((CheckedModel) model).predictOnnxRuntime(batch);
            double largest = 0;
            for (int r = 0; r < rows.size(); r++) {
                Prediction single = model.predict(Batch.of(model.signature(), List.<Object[]>of(rows.get(r))))
                        .get(0);
                assertNull(OrtAgreement.difference(onnxRuntime.get(r), single), "row " + r);
                Prediction.Classification a = (Prediction.Classification) onnxRuntime.get(r);
                Prediction.Classification b = (Prediction.Classification) single;
                for (int c = 0; c < a.probabilities().size(); c++) {
                    largest = Math.max(
                            largest,
                            Math.abs(
                                    a.probabilities().get(c) - b.probabilities().get(c)));
                }
            }
            assertTrue(largest <= 1e-6, "largest difference " + largest);
        }
    }

    @Test
    void aTreeEnsembleLargerThanPlainJavaRunsStaysOnOnnxRuntimeAndSaysWhy(@TempDir Path dir) throws Exception {
        // 17 full trees of 2,047 nodes: 34,799 nodes, past the 32,768 plain Java reads beside ONNX Runtime's copy.
        Path forest = LargeForests.classifier(dir.resolve("forest.onnx"), 17, 10);
        try (Model model = OnnxModelLoader.load(forest)) {
            assertEquals(Engine.ONNX_RUNTIME, model.engine().name());
            assertTrue(
                    model.engine().note().contains("TreeEnsembleClassifier node 'forest': 34,799 nodes"),
                    model.engine().note());
        }
    }

    @Test
    void aModelOfAFixedBatchStaysOnOnnxRuntimeAndSaysWhy() {
        // Its padded chunks are ONNX Runtime's to run: a plain graph would be checked and never used.
        try (Model model = OnnxModelLoader.load(Path.of(FIXTURES + "iris/iris-undeclared-shape.onnx"))) {
            assertEquals(Engine.ONNX_RUNTIME, model.engine().name());
            assertTrue(
                    model.engine().note().contains("fixed batch of 10 rows"),
                    model.engine().note());
        }
    }

    @Test
    void theSettingKeepsAModelOnOnnxRuntime() throws Exception {
        Path file = Path.of("model.onnx");
        try (Model loaded = OnnxModelLoader.load(file)) {
            CheckedModel model = (CheckedModel) loaded;
            assertEquals(Engine.PLAIN_JAVA, model.engine().name());
            PlainCheck.decide(model, GraphParser.parse(file), model.signature(), "onnxruntime");
            assertEquals(Engine.ONNX_RUNTIME, model.engine().name());
            assertTrue(
                    model.engine().note().contains(Engine.SETTING),
                    model.engine().note());
        }
    }

    @Test
    void anAnswerBeyondFloatRoundingIsADifference() {
        List<String> classes = List.of("0", "1");
        Prediction reference = new Prediction.Classification("0", classes, List.of(0.6, 0.4));
        assertNull(OrtAgreement.difference(
                reference, new Prediction.Classification("0", classes, List.of(0.6 + 1e-7, 0.4 - 1e-7))));
        assertNotNull(OrtAgreement.difference(
                reference, new Prediction.Classification("0", classes, List.of(0.6001, 0.3999))));
        assertNotNull(
                OrtAgreement.difference(reference, new Prediction.Classification("1", classes, List.of(0.6, 0.4))));
        assertNotNull(OrtAgreement.difference(new Prediction.Regression(3991.8), new Prediction.Regression(3991.9)));
        assertNull(OrtAgreement.difference(new Prediction.Regression(3991.8), new Prediction.Regression(3991.8001)));
        assertNotNull(OrtAgreement.difference(reference, null));
    }
}
