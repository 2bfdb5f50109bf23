package org.tabserve.cardmaking;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.model.Model;
import org.tabserve.model.card.CardKeys;
import org.tabserve.model.card.ModelCard;
import org.tabserve.model.onnx.OnnxModelLoader;
import org.tabserve.model.onnx.graph.OnnxFormatException;

/** The card writer changes a model's metadata and nothing else. */
public class CardFileTest {

    public static final Path FIXTURES = Path.of("src/test/resources/org/tabserve/fixtures/penguins");

    @Test
    void aCardWrittenIntoAModelIsReadBackByTheServer(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("with-card.onnx");
        Map<String, String> card = new CardWriter()
                .text(CardKeys.NAME, "penguin-species")
                .text(CardKeys.DESCRIPTION, "Tells the species of a penguin — with ünïcode")
                .json(CardKeys.CLASS_DISPLAY_NAMES, Map.of("Adelie", "Adélie"))
                .json(CardKeys.FEATURE_STATS, Map.of("bill_length_mm", Map.of("min", 32.1, "max", 59.6, "mean", 43.9)))
                .entries();
        CardFile.write(FIXTURES.resolve("species-zipmap.onnx"), card, out, false);
        try (Model model = OnnxModelLoader.load(out)) {
            ModelCard read = model.card();
            assertEquals("penguin-species", read.name());
            assertEquals("Tells the species of a penguin — with ünïcode", read.description());
            assertEquals("Adélie", read.displayName("Adelie"));
            assertEquals(32.1, read.featureStats().get("bill_length_mm").min());
            assertEquals(card, read.metadata());
        }
    }

    @Test
    void theWrittenModelHasThePermissionsOfTheModelItWasMadeFrom(@TempDir Path dir) throws IOException {
        Path source = dir.resolve("source.onnx");
        Files.copy(FIXTURES.resolve("species-zipmap.onnx"), source);
        var readable = java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--");
        Files.setPosixFilePermissions(source, readable);
        Path out = dir.resolve("with-card.onnx");
        CardFile.write(source, Map.of(CardKeys.NAME, "x"), out, false);
        assertEquals(readable, Files.getPosixFilePermissions(out), "not the temporary file's owner-only rw-------");
    }

    @Test
    void everyFieldButTheMetadataKeepsItsBytes(@TempDir Path dir) throws IOException {
        for (String fixture : List.of("species-zipmap.onnx", "fixed-batch-4.onnx", "body-mass-regressor.onnx")) {
            byte[] before = Files.readAllBytes(FIXTURES.resolve(fixture));
            Path out = dir.resolve(fixture);
            CardFile.write(FIXTURES.resolve(fixture), Map.of(CardKeys.NAME, "x", "other.key", ""), out, false);
            byte[] after = Files.readAllBytes(out);
            List<byte[]> graphBefore = fields(before, 7);
            assertEquals(1, graphBefore.size(), fixture + " has one graph");
            assertArrayEquals(graphBefore.get(0), fields(after, 7).get(0), fixture + ": the graph's bytes");
            assertEquals(without(before, 14), without(after, 14), fixture + ": every field but metadata_props");
            assertEquals(2, fields(after, 14).size(), fixture + ": the two new entries only");
        }
    }

    @Test
    void aModelWithoutMetadataGetsTheBytesProtobufWouldWrite() throws IOException {
        // Fields 1 (ir_version), 7 (graph), 20 (training_info): protobuf writes 14 between 7 and 20.
        byte[] model = {8, 7, 58, 2, 10, 0, (byte) 162, 1, 0};
        byte[] written = CardFile.withCard(model, Map.of("k", "v"));
        byte[] expected = {8, 7, 58, 2, 10, 0, 114, 6, 10, 1, 'k', 18, 1, 'v', (byte) 162, 1, 0};
        assertArrayEquals(expected, written);
    }

    @Test
    void refusesAFileThatIsNotProtobufAndWritesNothing(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("bad.onnx");
        Files.write(bad, new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
        Path out = dir.resolve("out.onnx");
        assertThrows(OnnxFormatException.class, () -> CardFile.write(bad, Map.of(), out, false));
        assertFalse(Files.exists(out));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(bad), files.toList(), "no temporary file left behind");
        }
    }

    @Test
    void refusesToReplaceAFileUnlessAsked(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("out.onnx");
        Files.writeString(out, "keep me");
        Path model = FIXTURES.resolve("fixed-batch-4.onnx");
        assertThrows(FileAlreadyExistsException.class, () -> CardFile.write(model, Map.of(), out, false));
        assertEquals("keep me", Files.readString(out));
        CardFile.write(model, Map.of(), out, true);
        assertTrue(Files.size(out) > 100);
    }

    /** The raw bytes (tag and value) of each top-level occurrence of {@code field}, by an independent reading. */
    public static List<byte[]> fields(byte[] message, int field) {
        List<byte[]> found = new ArrayList<>();
        scan(message, (number, start, end) -> {
            if (number == field) {
                found.add(java.util.Arrays.copyOfRange(message, start, end));
            }
        });
        return found;
    }

    static String without(byte[] message, int field) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        scan(message, (number, start, end) -> {
            if (number != field) {
                out.write(message, start, end - start);
            }
        });
        return java.util.HexFormat.of().formatHex(out.toByteArray());
    }

    interface FieldVisitor {
        void field(int number, int start, int end);
    }

    static void scan(byte[] message, FieldVisitor visitor) {
        int[] at = {0};
        while (at[0] < message.length) {
            int start = at[0];
            long tag = varint(message, at);
            int type = (int) (tag & 7);
            switch (type) {
                case 0 -> varint(message, at);
                case 1 -> at[0] += 8;
                case 5 -> at[0] += 4;
                case 2 -> {
                    int length = (int) varint(message, at); // read first: at[0] += varint(..) would lose its bytes
                    at[0] += length;
                }
                default -> throw new IllegalStateException("wire type " + type);
            }
            visitor.field((int) (tag >>> 3), start, at[0]);
        }
    }

    static long varint(byte[] bytes, int[] at) {
        long value = 0;
        for (int shift = 0; ; shift += 7) {
            byte b = bytes[at[0]++];
            value |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return value;
            }
        }
    }
}
