package org.tabserve.model.onnx.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tabserve.model.Batch;
import org.tabserve.model.Engine;
import org.tabserve.model.Prediction;
import org.tabserve.model.onnx.OnnxModelLoader;
import org.tabserve.model.onnx.graph.OnnxGraph;

/**
 * Issues 50 and 49: which batches a model answers in plain Java follows from its graph's operators alone
 * ({@code PlainOp.cheaperInLargeBatches}): the bundled SVM and a tree ensemble answer batches of every size in plain
 * Java, a linear model keeps those of more than {@link PlainEngine#MAX_ROWS} rows on ONNX Runtime, and the engine's
 * note says which.
 */
class PlainBatchPolicyTest {

    private static final String FIXTURES = "src/test/resources/org/tabserve/fixtures/";

    @Test
    void theBundledSvmAnswersALargeBatchInPlainJava() throws Exception {
        Path file = Path.of("model.onnx");
        try (CheckedModel model = (CheckedModel) OnnxModelLoader.load(file)) {
            PlainEngine plain = engine(model, file);
            assertTrue(plain.takesEveryBatch(), "maxRows " + plain.maxRows());
            assertNotes(model, "single rows and batches of every size are computed in plain Java");
            Batch batch = Batch.of(model.signature(), PlainCheck.rows(model.card(), model.signature()));
            assertTrue(batch.size() > 3 * PlainEngine.MAX_ROWS, batch.size() + " rows");
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
            assertTrue(engine(model, file).takesEveryBatch());
            assertNotes(model, "single rows and batches of every size are computed in plain Java");
        }
    }

    @Test
    void aLinearModelKeepsLargeBatchesOnOnnxRuntime() throws Exception {
        Path file = Path.of(FIXTURES + "conformal/banknote-class-weak.onnx");
        try (CheckedModel model = (CheckedModel) OnnxModelLoader.load(file)) {
            PlainEngine plain = engine(model, file);
            assertFalse(plain.takesEveryBatch());
            assertEquals(PlainEngine.MAX_ROWS, plain.maxRows());
            assertNotes(model, "batches of up to 16 rows are computed in plain Java");
            assertNotes(model, "larger batches run in ONNX Runtime");
            Batch batch = Batch.of(model.signature(), PlainCheck.rows(model.card(), model.signature()));
            assertEquals(model.predictOnnxRuntime(batch), model.predict(batch), "the whole batch is ONNX Runtime's");
        }
    }

    private static PlainEngine engine(CheckedModel model, Path file) throws Exception {
        assertEquals(Engine.PLAIN_JAVA, model.engine().name(), model.engine().note());
        return PlainEngine.compile(OnnxGraph.read(file), model.signature(), List.copyOf(model.outputNames()));
    }

    private static void assertNotes(CheckedModel model, String words) {
        assertTrue(model.engine().note().contains(words), model.engine().note());
    }
}
