package org.tabserve.cardmaking;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import org.tabserve.model.onnx.graph.MetadataWriter;
import org.tabserve.model.onnx.graph.OnnxFormatException;

/**
 * Writes a model's card into an ONNX file: the graph and every other field byte for byte as given, the card as the
 * file's only {@code metadata_props}. A file written here is complete or absent: it is written beside its target under
 * a temporary name and moved into place.
 */
public final class CardFile {

    private CardFile() {}

    /**
     * @param model the ONNX model's bytes
     * @param card  the entries, in the order to write them
     * @return the model with {@code card} as its metadata
     * @throws OnnxFormatException when {@code model} is not a well-formed protobuf message
     */
    public static byte[] withCard(byte[] model, Map<String, String> card) throws OnnxFormatException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(model.length + 4096);
        try {
            MetadataWriter.write(ByteBuffer.wrap(model), card, out);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // a byte array does not fail
        }
        return out.toByteArray();
    }

    /**
     * Writes {@code model} with {@code card} to {@code out}, mapping the input rather than reading it into the heap.
     *
     * @param replace whether an existing {@code out} may be replaced
     * @throws OnnxFormatException when {@code model} is not a well-formed protobuf message (nothing is written)
     * @throws java.nio.file.FileAlreadyExistsException when {@code out} exists and {@code replace} is false
     */
    public static void write(Path model, Map<String, String> card, Path out, boolean replace)
            throws IOException, OnnxFormatException {
        Path target = out.toAbsolutePath();
        Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(model, StandardOpenOption.READ);
                    OutputStream stream = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                ByteBuffer bytes = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size());
                MetadataWriter.write(bytes, card, stream);
            }
            permissionsOf(model, tmp);
            if (replace) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } else {
                // No ATOMIC_MOVE: with it, a move may replace an existing file; without, it refuses.
                Files.move(tmp, target);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Gives a file written under a temporary name the permissions of the file it was made from: a temporary file is
     * readable by its owner alone, which would leave a written model or CSV unreadable to the server's user.
     */
    public static void permissionsOf(Path source, Path written) throws IOException {
        if (Files.getFileStore(written)
                .supportsFileAttributeView(java.nio.file.attribute.PosixFileAttributeView.class)) {
            Files.setPosixFilePermissions(written, Files.getPosixFilePermissions(source));
        }
    }
}
