package org.tabserve.model.onnx.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tabserve.model.Engine;
import org.tabserve.model.onnx.OnnxModelLoader;
import org.tabserve.model.onnx.graph.GraphParser;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.Prediction;

/**
 * Issues 50, 49 and 66: a model the plain engine runs answers batches of every size in plain Java, never ONNX Runtime
 * for its large ones (whose answers differ in their last bits, so that a row's answer would depend on its batch): the
 * bundled SVM, a tree ensemble and a linear model alike, and the engine's note says so.
 */
class PlainBatchPolicyTest {

    private static final String FIXTURES = "src/test/resources/org/tabserve/fixtures/";

    @Test
    void theBundledSvmAnswersALargeBatchInPlainJava() throws Exception {
        Path file = Path.of("model.onnx");
        try (CheckedModel model = (CheckedModel) OnnxModelLoader.load(file)) {
            PlainEngine plain = engine(model, file);
            assertNotes(model, "single rows and batches of every size are computed in plain Java");
            Batch batch = Batch.of(model.signature(), PlainCheck.rows(model.card(), model.signature()));
            assertTrue(batch.size() > 3 * 17, batch.size() + " rows");
            List<Prediction> served = model.predict(batch);
            List<Prediction> java = model.predictPlain(plain, batch, 0, batch.size());
            List<Prediction> onnxRuntime = model.predictOnnxRuntime(batch);
            assertEquals(java, served, "the whole batch is plain Java's");
            assertFalse(onnxRuntime.equals(served), "ONNX Runtime's answers differ in their last bits, so this tells");
            for (int r = 0; r < batch.size(); r++) {
                assertNull(OrtAgreement.difference(onnxRuntime.get(r), served.get(r)), "row " + r);
            }
        }
    }

    @Test
    void aTreeEnsembleAnswersBatchesOfEverySizeInPlainJava() throws Exception {
        Path file = Path.of(FIXTURES + "floor/banknote-hgb-100x31.onnx");
        try (CheckedModel model = (CheckedModel) OnnxModelLoader.load(file)) {
            engine(model, file);
            assertNotes(model, "single rows and batches of every size are computed in plain Java");
        }
    }

    @Test
    void aLinearModelAnswersALargeBatchInPlainJavaToo() throws Exception {
        Path file = Path.of(FIXTURES + "conformal/banknote-class-weak.onnx");
        try (CheckedModel model = (CheckedModel) OnnxModelLoader.load(file)) {
            PlainEngine plain = engine(model, file);
            assertNotes(model, "single rows and batches of every size are computed in plain Java");
            assertNotes(model, "the same bits in any batch");
            Batch batch = Batch.of(model.signature(), PlainCheck.rows(model.card(), model.signature()));
            List<Prediction> served = model.predict(batch);
            List<Prediction> onnxRuntime = model.predictOnnxRuntime(batch);
            assertEquals(model.predictPlain(plain, batch, 0, batch.size()), served, "the whole batch is plain Java's");
            assertFalse(onnxRuntime.equals(served), "ONNX Runtime's answers differ in their last bits, so this tells");
            for (int r = 0; r < batch.size(); r++) {
                assertNull(OrtAgreement.difference(onnxRuntime.get(r), served.get(r)), "row " + r);
            }
        }
    }

    private static PlainEngine engine(CheckedModel model, Path file) throws Exception {
        assertEquals(Engine.PLAIN_JAVA, model.engine().name(), model.engine().note());
        return PlainEngine.compile(GraphParser.parse(file), model.signature(), List.copyOf(model.outputNames()));
    }

    private static void assertNotes(CheckedModel model, String words) {
        assertTrue(model.engine().note().contains(words), model.engine().note());
    }
}
