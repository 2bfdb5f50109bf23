package org.tabserve.model.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tabserve.model.onnx.ModelAssertions.assertUnusable;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.model.Model;
import org.tabserve.model.card.CardKeys;
import org.tabserve.model.onnx.graph.OnnxLimits;

/**
 * Issue 21 case 3: metadata past the limits (1 MiB a value, 4 MiB in all, 10,000 entries) is refused from its length
 * on the wire, before any of it becomes a Java string, naming the key, its size and the limit.
 */
class MetadataLimitTest {

    private static final int MIB = 1 << 20;

    @TempDir
    Path dir;

    @Test
    void aValueOverOneMebibyteIsRefusedNamingItsKeySizeAndTheLimit() throws IOException {
        Path file = write("big.onnx", bundled().addMetadataProps(entry(CardKeys.DESCRIPTION, MIB + 1)));
        assertUnusable(
                file,
                "metadata 'tabserve.description' is 1,048,577 bytes (1.0 MiB)",
                "at most 1,048,576 bytes (1.0 MiB) per metadata value");
    }

    @Test
    void aValueOfOneMebibyteIsRead() throws IOException {
        Path file = write("edge.onnx", bundled().addMetadataProps(entry("unused", MIB)));
        try (Model model = OnnxModelLoader.load(file)) {
            assertEquals(MIB, model.card().metadata().get("unused").length());
        }
    }

    @Test
    void moreThanFourMebibytesInAllIsRefused() throws IOException {
        ModelProto.Builder model = bundled();
        for (int i = 0; i < 5; i++) {
            model.addMetadataProps(entry("unused-" + i, 900 << 10));
        }
        assertUnusable(
                write("many.onnx", model),
                "metadata and descriptions are over 4,194,304 bytes (4.0 MiB)"
                        + " in all (reached at metadata 'unused-4')");
    }

    @Test
    void moreThanTenThousandEntriesAreRefusedHoweverSmall() throws IOException {
        ModelProto.Builder model = bundled();
        for (int i = 0; i <= OnnxLimits.MAX_METADATA_ENTRIES; i++) {
            model.addMetadataProps(StringStringEntryProto.newBuilder().setKey(Integer.toString(i, 36)));
        }
        assertUnusable(write("entries.onnx", model), "the model has more than 10,000 metadata entries");
    }

    @Test
    void docStringsAndNamesCountAndAreBoundedToo() throws IOException {
        assertUnusable(
                write("doc.onnx", bundled().setDocString("d".repeat(2 * MIB))),
                "the model's doc_string is 2,097,152 bytes (2.0 MiB)");
        ModelProto.Builder graphDoc = bundled();
        graphDoc.getGraphBuilder().setDocString("g".repeat(2 * MIB));
        assertUnusable(write("graph-doc.onnx", graphDoc), "the graph's doc_string is 2,097,152 bytes");
        assertUnusable(write("domain.onnx", bundled().setDomain("x".repeat(2 * MIB))), "the model's domain");
        ModelProto.Builder nodeName = bundled();
        nodeName.getGraphBuilder().getNodeBuilder(0).setName("n".repeat(2 * MIB));
        assertUnusable(write("node.onnx", nodeName), "a text field of 2,097,152 bytes", "ModelProto.graph.node");
    }

    /**
     * The shipped heap: before the limit, a 40 MB value of an unused key ended the JVM at load (decoded by the graph
     * reader, copied by ONNX Runtime's metadata call): exit 3 with -XX:+ExitOnOutOfMemoryError.
     */
    @Test
    @EnabledOnOs(OS.LINUX)
    void aFortyMegabyteValueIsRefusedInA128MegabyteHeap() throws Exception {
        Path file = write("forty.onnx", bundled().addMetadataProps(entry("unused", 40 * MIB)));
        LoadInOwnJvm.Outcome child = LoadInOwnJvm.run(file, dir, false);
        assertEquals(0, child.status(), "exit status; output:\n" + child.output());
        assertTrue(
                child.output().contains("refused: ")
                        && child.output().contains("metadata 'unused' is 41,943,040" + " bytes (40.0 MiB)"),
                child.output());
    }

    private static ModelProto.Builder bundled() throws IOException {
        return ModelProto.parseFrom(Files.readAllBytes(Path.of("model.onnx"))).toBuilder();
    }

    private static StringStringEntryProto entry(String key, int bytes) {
        return StringStringEntryProto.newBuilder()
                .setKey(key)
                .setValue("x".repeat(bytes))
                .build();
    }

    private Path write(String name, ModelProto.Builder model) throws IOException {
        Path file = dir.resolve(name);
        try (OutputStream out = Files.newOutputStream(file)) {
            model.build().writeTo(out);
        }
        return file;
    }
}
