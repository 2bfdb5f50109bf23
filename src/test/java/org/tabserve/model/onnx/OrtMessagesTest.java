package org.tabserve.model.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** ONNX Runtime's messages, as its Java binding gives them, become sentences without source paths or signatures. */
class OrtMessagesTest {

    @Test
    void dropsTheSourceLocationAndTheSignatureBeforeTheSentence() {
        assertEquals(
                "Missing opset in the model. All ModelProtos MUST have at least one entry that specifies which"
                        + " version of the ONNX OperatorSet is being imported.",
                OrtMessages.inWords(
                        "Error code - ORT_FAIL - message: /onnxruntime_src/onnxruntime/core/graph/model.cc:192"
                                + " onnxruntime::Model::Model(onnx::ModelProto&&, const onnxruntime::PathString&, const"
                                + " onnxruntime::IOnnxRuntimeOpSchemaRegistryList*, const onnxruntime::logging::Logger&, const"
                                + " onnxruntime::ModelOptions&) Missing opset in the model. All ModelProtos MUST have at least"
                                + " one entry that specifies which version of the ONNX OperatorSet is being imported.\n"));
    }

    @Test
    void keepsASentenceWithoutLocationAndDropsTheCodePrefix() {
        assertEquals(
                "Model has no graph",
                OrtMessages.inWords("Error code - ORT_INVALID_GRAPH - message: Model has no graph"));
    }

    @Test
    void saysTheFailuresUsersMeetInTheirWordsWithWhatToDo() {
        assertEquals(
                "ONNX Runtime cannot parse it: the file may be cut short (copied or downloaded only in part) or"
                        + " not be an ONNX file at all; copy it again",
                OrtMessages.inWords(
                        "Error code - ORT_INVALID_PROTOBUF - message: Failed to load model because protobuf parsing failed."));
        assertEquals(
                "it was saved in ONNX format version 99, newer than this server's ONNX Runtime reads; export it"
                        + " again with an older ONNX (or target_opset) or run a newer tabserve",
                OrtMessages.inWords(
                        "Error code - ORT_FAIL - message: /onnxruntime_src/onnxruntime/core/graph/model.cc:192"
                                + " onnxruntime::Model::Model(onnx::ModelProto&&) Unsupported model IR version: 99, max"
                                + " supported IR version: 13\n"));
    }

    @Test
    void replacesOtherPathsAndJoinsLinesAndBoundsTheLength() {
        assertEquals(
                "Load model from <path> failed: bad file",
                OrtMessages.inWords("Load model from /srv/models/secret/m.onnx failed:\n  bad file"));
        assertEquals(
                OrtMessages.MAX_LENGTH, OrtMessages.inWords("x".repeat(10_000)).length());
        assertEquals("no detail", OrtMessages.inWords((String) null));
        assertEquals("stack", OrtMessages.inWords("a/b.h:1 ns::f(int (*)(int)) const stack"));
    }

    /**
     * A message of 200,000 characters in each shape the patterns search for (a model's own node and input names reach
     * ONNX Runtime's messages, so a hostile model chooses them) is put in words at once: every search is linear in the
     * message and needs no stack for its length. The 10,000 characters above took a minute when a pattern started
     * with {@code .*} or {@code \\S*}, and a path of 100,000 segments overflowed the stack when a pattern's repeated
     * group matched it; the timeout is a guard against a hang, not a measure of speed.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aMessageOfTwoHundredThousandCharactersInAnyShapeIsPutInWordsAtOnce() {
        int length = 200_000;
        assertEquals("x".repeat(OrtMessages.MAX_LENGTH - 3) + "...", OrtMessages.inWords("x".repeat(length)));
        assertEquals("<path>", OrtMessages.inWords("/a".repeat(length / 2)));
        assertEquals("no detail", OrtMessages.inWords("f.cc:1 ".repeat(length / 7)));
        assertEquals("no detail", OrtMessages.inWords("a/b.h:1 ns::f(" + "(".repeat(length)));
        assertEquals(
                OrtMessages.MAX_LENGTH,
                OrtMessages.inWords("a.cc:1 ns::f" + "x".repeat(length)).length());
        assertEquals(
                OrtMessages.MAX_LENGTH,
                OrtMessages.inWords("Could not find an implementation for " + "x".repeat(length))
                        .length());
        assertEquals(
                "it uses operator set 7, newer than this server's ONNX Runtime knows; export it with a lower"
                        + " target_opset",
                OrtMessages.inWords("opset ".repeat(length / 6) + "opset 7 is under development"));
    }
}
