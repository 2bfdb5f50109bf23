package org.tabserve.model.onnx;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** ONNX Runtime's messages, as its Java binding gives them, become sentences without source paths or signatures. */
class OrtMessagesTest {

    @Test
    void dropsTheSourceLocationAndTheSignatureBeforeTheSentence() {
        assertEquals("Unsupported model IR version: 99, max supported IR version: 13", OrtMessages.inWords(
                "Error code - ORT_FAIL - message: /onnxruntime_src/onnxruntime/core/graph/model.cc:192"
                        + " onnxruntime::Model::Model(onnx::ModelProto&&, const onnxruntime::PathString&, const"
                        + " onnxruntime::IOnnxRuntimeOpSchemaRegistryList*, const onnxruntime::logging::Logger&, const"
                        + " onnxruntime::ModelOptions&) Unsupported model IR version: 99, max supported IR version: 13\n"));
    }

    @Test
    void keepsASentenceWithoutLocationAndDropsTheCodePrefix() {
        assertEquals("Failed to load model because protobuf parsing failed.", OrtMessages.inWords(
                "Error code - ORT_INVALID_PROTOBUF - message: Failed to load model because protobuf parsing failed."));
    }

    @Test
    void replacesOtherPathsAndJoinsLinesAndBoundsTheLength() {
        assertEquals("Load model from <path> failed: bad file", OrtMessages.inWords(
                "Load model from /srv/models/secret/m.onnx failed:\n  bad file"));
        assertEquals(OrtMessages.MAX_LENGTH, OrtMessages.inWords("x".repeat(10_000)).length());
        assertEquals("no detail", OrtMessages.inWords((String) null));
        assertEquals("stack", OrtMessages.inWords("a/b.h:1 ns::f(int (*)(int)) const stack"));
    }
}
