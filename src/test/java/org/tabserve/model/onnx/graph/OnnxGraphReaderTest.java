package org.tabserve.model.onnx.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tabserve.model.onnx.graph.Graphs.FLOAT;
import static org.tabserve.model.onnx.graph.Graphs.model;
import static org.tabserve.model.onnx.graph.Graphs.node;
import static org.tabserve.model.onnx.graph.Graphs.tensor;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.UnsafeByteOperations;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.model.onnx.graph.facts.FactFinder;

/** The wire-format reader: versions, large initializers read in place, and bad files refused with a clear reason. */
class OnnxGraphReaderTest {

    private static final Path ZIPMAP = Path.of("src/test/resources/org/tabserve/fixtures/penguins/species-zipmap.onnx");

    @TempDir
    Path dir;

    private static GraphProto.Builder softmax() {
        return GraphProto.newBuilder()
                .setName("tiny")
                .addInput(tensor("input", FLOAT, "N", 2))
                .addNode(node("Softmax", "", List.of("input"), List.of("probabilities")))
                .addOutput(tensor("probabilities", FLOAT, "N", 2));
    }

    @Test
    void aModelWithoutAVersionHasNone() throws OnnxFormatException {
        assertEquals(OptionalLong.empty(), Graphs.read(model(softmax())).modelVersion(), "unset");
        assertEquals(
                OptionalLong.empty(),
                Graphs.read(model(softmax()).setModelVersion(0)).modelVersion(),
                "0");
        assertEquals(
                OptionalLong.of(7),
                Graphs.read(model(softmax()).setModelVersion(7)).modelVersion());
    }

    @Test
    void readsMetadataDocStringAndNodesFromAHeapBufferWithoutMovingIt() throws OnnxFormatException {
        byte[] bytes = model(softmax())
                .setDocString("a doc")
                .addMetadataProps(ai.onnx.proto.OnnxMl.StringStringEntryProto.newBuilder()
                        .setKey("k")
                        .setValue("v"))
                .build()
                .toByteArray();
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        OnnxGraph graph = GraphParser.parse(buffer);
        assertEquals(0, buffer.position());
        assertEquals("a doc", graph.docString());
        assertEquals(java.util.Map.of("k", "v"), graph.metadata());
        assertEquals("tiny", graph.name());
        assertEquals(
                List.of("Softmax"), graph.nodes().stream().map(OnnxNode::opType).toList());
    }

    @Test
    void readsALargeInitializerInPlaceWithoutCopyingIt() throws IOException {
        int size = 48 << 20;
        Path file = dir.resolve("large.onnx");
        ModelProto model = model(softmax()
                        .addInitializer(TensorProto.newBuilder()
                                .setName("weights")
                                .setDataType(FLOAT)
                                .addDims(size / 4)
                                .setRawData(UnsafeByteOperations.unsafeWrap(new byte[size]))))
                .build();
        try (OutputStream out = Files.newOutputStream(file)) {
            model.writeTo(out);
        }
        model = null;
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        OnnxGraph graph = GraphParser.parse(file);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertEquals(
                List.of((long) size / 4), graph.initializers().get("weights").dims());
        assertEquals(ElementType.FLOAT, graph.initializers().get("weights").elementType());
        assertTrue(Files.size(file) > size);
        assertTrue(allocated < (1 << 20), "the 48 MB initializer was not copied: " + allocated + " bytes allocated");
    }

    @Test
    void refusesAnEmptyFileARandomFileAndATextFile() throws IOException {
        assertRefused(new byte[0], "the file is empty");
        byte[] random = new byte[512];
        new Random(42).nextBytes(random);
        assertRefused(random, "not a well-formed ONNX model");
        assertRefused("feature,label\n1.0,genuine\n".getBytes(StandardCharsets.UTF_8), "not a well-formed ONNX model");
        assertRefused(model(softmax()).clearGraph().build().toByteArray(), "it has no graph");
    }

    @Test
    void aTruncatedModelIsRefusedNamingWhereItEnds() throws IOException {
        byte[] whole = Files.readAllBytes(ZIPMAP);
        // The graph's length is checked before its first byte is read, so the refusal names the graph field (7).
        OnnxFormatException e = assertRefused(Arrays.copyOf(whole, 200), "truncated");
        assertEquals(
                "not a well-formed ONNX model: truncated: field 7 says it has 1741 bytes but only 164 are left"
                        + " at byte 34 (in ModelProto)",
                e.getMessage());
    }

    @Test
    @Timeout(30)
    void everyTruncationAndEveryFlippedByteIsReadOrRefusedCleanly() throws IOException {
        byte[] whole = Files.readAllBytes(ZIPMAP);
        int refused = 0;
        for (int length = 1; length < whole.length; length++) {
            refused += readsOrRefuses(Arrays.copyOf(whole, length));
        }
        Random random = new Random(7);
        for (int i = 0; i < 2000; i++) {
            byte[] corrupt = whole.clone();
            corrupt[random.nextInt(corrupt.length)] ^= (byte) (1 + random.nextInt(255));
            readsOrRefuses(corrupt);
        }
        assertTrue(refused > whole.length / 2, "most truncations are refused: " + refused);
    }

    /** 1 when refused with an OnnxFormatException; 0 when read (and its facts computed); anything else fails. */
    private static int readsOrRefuses(byte[] bytes) {
        try {
            FactFinder.find(GraphParser.parse(ByteBuffer.wrap(bytes)));
            return 0;
        } catch (OnnxFormatException e) {
            assertTrue(e.getMessage().startsWith("not"), e.getMessage());
            return 1;
        }
    }

    private OnnxFormatException assertRefused(byte[] bytes, String reason) throws IOException {
        Path file = Files.write(dir.resolve("bad.onnx"), bytes);
        OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> GraphParser.parse(file));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
        return e;
    }
}
