package org.tabserve.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.tabserve.model.ModelAssertions.assertUnusable;

/** Files tabserve cannot serve are refused at load time, with the file's path and the reason in one message. */
class ModelRefusalTest {

    @TempDir
    Path dir;

    @Test
    void refusesModelWithTwoInputs() {
        assertUnusable(OnnxModels.twoInputs(dir.resolve("two-inputs.onnx")), "2 inputs", "exactly one input");
    }

    @Test
    void refusesModelWithDoubleInput() {
        assertUnusable(OnnxModels.doubleInput(dir.resolve("double.onnx")), "DOUBLE", "float");
    }

    @Test
    void refusesModelWithInt64Input() {
        assertUnusable(OnnxModels.int64Input(dir.resolve("int64.onnx")), "INT64", "float");
    }

    @Test
    void refusesModelWithoutProbabilityOutput() {
        assertUnusable(OnnxModels.labelOnly(dir.resolve("label-only.onnx")), "no usable output", "label");
    }

    @Test
    void refusesModelWithTwoCandidateProbabilityOutputs() {
        assertUnusable(OnnxModels.twoProbabilityOutputs(dir.resolve("ambiguous.onnx")), "ambiguous", "first", "second");
    }

    @Test
    void refusesModelWithAFixedBatchLargerThanOne() {
        assertUnusable(OnnxModels.softmaxOfInput(dir.resolve("batch4.onnx"), 4, 3), "fixed batch size of 4");
    }

    @Test
    void refusesModelWithAFreeNumberOfFeatures() {
        assertUnusable(OnnxModels.softmaxOfInput(dir.resolve("free-width.onnx"), "N", "F"), "fixed number of features");
    }

    @Test
    void refusesModelWithAOneDimensionalInput() {
        assertUnusable(OnnxModels.softmaxOfInput(dir.resolve("vector.onnx"), "N"), "[N, features]");
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

    @Test
    void refusesMissingFile() {
        assertUnusable(dir.resolve("missing.onnx"), "no such file");
    }

    @Test
    void refusesDirectory() {
        assertUnusable(dir, "no such file");
    }

    @Test
    void refusesFewerThanOneIntraOpThread() {
        Path file = OnnxModels.tensorOutput(dir.resolve("ok.onnx"), LinearModel.THREE_CLASSES, OnnxModels.Head.SOFTMAX,
                false, Map.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OnnxClassifier.load(file, 0));
        assertEquals("intraOpThreads must be at least 1, got 0", e.getMessage());
    }
}
