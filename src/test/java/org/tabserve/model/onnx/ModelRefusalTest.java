package org.tabserve.model.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.tabserve.model.onnx.ModelAssertions.assertUnusable;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.model.Model;
import org.tabserve.model.onnx.cardread.CardLimits;
import org.tabserve.model.signature.ModelException;
import org.tabserve.model.signature.Prediction;

/** Files tabserve cannot serve are refused at load time, with the file's path and the reason in one message. */
class ModelRefusalTest {

    @TempDir
    Path dir;

    @Test
    void refusesSeveralInputsOfSeveralColumns() {
        assertUnusable(
                OnnxModels.twoInputs(dir.resolve("two-inputs.onnx")),
                "2 inputs",
                "'left' has 2 columns",
                "inputs of one column each");
    }

    /** Issue 12: inputs of other element types are served, each bound as a tensor of its own type. */
    @Test
    void servesDoubleAndInt64InputsAsTheyAre() {
        double[] row = {1, 2};
        for (Path file : List.of(
                OnnxModels.doubleInput(dir.resolve("double.onnx")), OnnxModels.int64Input(dir.resolve("int64.onnx")))) {
            try (Model model = OnnxModelLoader.load(file)) {
                double e1 = Math.exp(1), e2 = Math.exp(2);
                Prediction.Classification p = model.predict(row).classification();
                assertEquals(e2 / (e1 + e2), p.probabilityOf("1"), 1e-6, file.toString());
                assertEquals("1", p.label());
            }
        }
    }

    @Test
    void refusesModelWithoutProbabilityOutput() {
        assertUnusable(OnnxModels.labelOnly(dir.resolve("label-only.onnx")), "no usable output", "label");
    }

    @Test
    void refusesModelWithTwoCandidateProbabilityOutputs() {
        assertUnusable(OnnxModels.twoProbabilityOutputs(dir.resolve("ambiguous.onnx")), "ambiguous", "first", "second");
    }

    /** Issue 12: a fixed batch of 4 takes any number of rows: chunks of 4, the last one padded, padding dropped. */
    @Test
    void servesAFixedBatchLargerThanOneInPaddedChunks() {
        try (Model model = OnnxModelLoader.load(OnnxModels.softmaxOfInput(dir.resolve("batch4.onnx"), 4, 3))) {
            assertEquals(4, model.signature().fixedBatch());
            for (int rows : new int[] {1, 3, 4, 9}) {
                double[][] batch = new double[rows][];
                for (int r = 0; r < rows; r++) {
                    batch[r] = new double[] {r, 0, -r};
                }
                List<Prediction> predictions = model.predict(batch);
                assertEquals(rows, predictions.size());
                for (int r = 0; r < rows; r++) {
                    double sum = Math.exp(r) + 1 + Math.exp(-r);
                    assertEquals(
                            Math.exp(r) / sum,
                            predictions.get(r).classification().probabilityOf("0"),
                            1e-5,
                            rows + " rows, row " + r);
                }
            }
        }
    }

    @Test
    void refusesModelWithAFreeNumberOfFeatures() {
        assertUnusable(
                OnnxModels.softmaxOfInput(dir.resolve("free-width.onnx"), "N", "F"), "[N, F] inputs with a fixed F");
    }

    @Test
    void refusesAVectorOutputThatIsNeitherProbabilitiesNorAValue() {
        // An [N] input is served, but this graph's output, softmax over the whole batch, is no classifier's [N, C].
        assertUnusable(OnnxModels.softmaxOfInput(dir.resolve("vector.onnx"), "N"), "no usable output");
    }

    @Test
    void refusesFileOfRandomBytes() {
        assertUnusable(OnnxModels.randomBytes(dir.resolve("random.onnx")), "not a valid ONNX model");
    }

    @Test
    void refusesTextFile() {
        assertUnusable(OnnxModels.text(dir.resolve("data.csv")), "not a valid ONNX model");
    }

    @Test
    void refusesEmptyFile() throws Exception {
        assertUnusable(Files.createFile(dir.resolve("empty.onnx")), "not a valid ONNX model");
    }

    /**
     * Issue 21 case 10: ONNX Runtime's reason reaches anonymous callers (model lists), so it says what is wrong in
     * words, without ONNX Runtime's source paths and C++ signatures.
     */
    @Test
    void refusesAModelOnnxRuntimeCannotReadInWordsWithoutItsSourcePaths() throws Exception {
        ai.onnx.proto.OnnxMl.ModelProto bundled =
                ai.onnx.proto.OnnxMl.ModelProto.parseFrom(Files.readAllBytes(Path.of("model.onnx")));
        Path future = Files.write(
                dir.resolve("future.onnx"),
                bundled.toBuilder().setIrVersion(99).build().toByteArray());
        Path noOpset = Files.write(
                dir.resolve("no-opset.onnx"),
                bundled.toBuilder().clearOpsetImport().build().toByteArray());
        for (ModelException e : List.of(
                assertUnusable(future, "it was saved in ONNX format version 99"),
                assertUnusable(noOpset, "Missing opset in the model"))) {
            for (String detail : List.of(".cc:", "onnxruntime::", "onnxruntime_src", "Error code")) {
                assertFalse(e.getMessage().contains(detail), e.getMessage());
            }
        }
    }

    /** Issue 21 case 4: every class is a label in each answer and on each page, so their number is bounded. */
    @Test
    void refusesMoreClassesThanAreServed() {
        assertUnusable(
                OnnxModels.softmaxOfInput(dir.resolve("wide.onnx"), "N", CardLimits.CLASSES + 1),
                "its output has 1001 classes; tabserve serves at most 1000");
        try (Model model =
                OnnxModelLoader.load(OnnxModels.softmaxOfInput(dir.resolve("widest.onnx"), "N", CardLimits.CLASSES))) {
            assertEquals(CardLimits.CLASSES, model.signature().classLabels().size());
        }
    }

    @Test
    void refusesMissingFile() {
        assertUnusable(dir.resolve("missing.onnx"), "no such file");
    }

    @Test
    void refusesDirectory() {
        assertUnusable(dir, "it is a directory, not a regular file");
    }

    @Test
    void refusesFewerThanOneIntraOpThread() {
        Path file = OnnxModels.tensorOutput(
                dir.resolve("ok.onnx"), LinearModel.THREE_CLASSES, OnnxModels.Head.SOFTMAX, false, Map.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OnnxModelLoader.load(file, 0));
        assertEquals("intraOpThreads must be at least 1, got 0", e.getMessage());
    }
}
