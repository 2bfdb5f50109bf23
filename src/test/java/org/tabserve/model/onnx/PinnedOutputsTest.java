package org.tabserve.model.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Pinned one-row outputs are made for tensor outputs of a known row shape only, are reused once given back, are
 * never handed to two runs at once, and are freed when closed.
 */
class PinnedOutputsTest {

    private static final Path PENGUINS = Path.of("src/test/resources/org/tabserve/fixtures/penguins");

    private static OrtSession session(String name) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        return env.createSession(Files.readAllBytes(PENGUINS.resolve(name + ".onnx")), new OrtSession.SessionOptions());
    }

    @Test
    void aLabelAndProbabilitiesAreOneRowTensorsReusedAfterTheyAreGivenBackAndFreedOnClose() throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = session("species-nozipmap")) {
            Set<String> outputs = session.getOutputNames();
            PinnedOutputs pinned = PinnedOutputs.of(env, session.getOutputInfo(), outputs);
            assertNotNull(pinned, "a string label [N] and float probabilities [N, 3] can be pinned");

            Map<String, OnnxTensor> first = pinned.take();
            Map<String, OnnxTensor> second = pinned.take();
            assertNotSame(first, second, "a set out with one run is never handed to another");
            assertEquals(outputs, first.keySet());
            for (Map.Entry<String, OnnxTensor> e : first.entrySet()) {
                long[] shape = e.getValue().getInfo().getShape();
                assertEquals(1, shape[0], e.getKey() + ": one row");
                if (e.getValue().getInfo().type == OnnxJavaType.FLOAT) {
                    assertArrayEquals(new long[] {1, 3}, shape);
                }
            }

            pinned.give(first);
            assertSame(first, pinned.take(), "a set given back is reused");
            pinned.give(first);
            pinned.close();
            first.values().forEach(t -> assertTrue(t.isClosed(), "a pooled set is freed on close"));
            second.values().forEach(t -> assertFalse(t.isClosed(), "a set still out is not freed under its run"));
            pinned.give(second);
            second.values().forEach(t -> assertTrue(t.isClosed(), "a set given back after close is freed"));
        }
    }

    @Test
    void aFixedBatchOfFourOrAZipMapIsNotPinned() throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = session("fixed-batch-4")) {
            assertNull(PinnedOutputs.of(env, session.getOutputInfo(), session.getOutputNames()));
        }
        try (OrtSession session = session("species-zipmap")) {
            assertNull(
                    PinnedOutputs.of(env, session.getOutputInfo(), session.getOutputNames()),
                    "a ZipMap's sequence of maps is not a tensor");
        }
    }
}
