package org.tabserve.model.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model's inputs and outputs, as ONNX Runtime describes them, in the words of a load failure's reason. */
class ValueWordsTest {

    @TempDir
    Path dir;

    @Test
    void aTensorIsItsTypeAndShapeAndAMapSequenceItsKeysAndValues() throws Exception {
        assertEquals(
                "'input', a float tensor [N, 3]",
                words(OnnxModels.softmaxOfInput(dir.resolve("a.onnx"), "N", 3), true));
        assertEquals(
                "'probabilities', a float tensor [4, 2]",
                words(OnnxModels.softmaxOfInput(dir.resolve("b.onnx"), 4, 2), false));
        assertEquals(
                "'output_label', a text tensor [N]; 'output_probability', a sequence of maps from text to float",
                words(Path.of("src/test/resources/org/tabserve/fixtures/penguins/species-zipmap.onnx"), false));
    }

    @Test
    void aTensorOfNoDeclaredShapeSaysSo() throws Exception {
        assertEquals(
                "'probabilities', a float tensor of no declared shape",
                words(OnnxModels.outputOfUndeclaredShape(dir.resolve("d.onnx")), false));
    }

    private static String words(Path model, boolean inputs) throws Exception {
        try (OrtSession session = OrtEnvironment.getEnvironment().createSession(Files.readAllBytes(model))) {
            return ValueWords.of((inputs ? session.getInputInfo() : session.getOutputInfo()).values());
        }
    }
}
