package org.tabserve.model.loading;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import org.tabserve.model.signature.ModelException;

/**
 * Reads a model file that a reader parses on the heap, bounded before a byte is read: a regular file (links followed;
 * a FIFO, a device or a folder is refused by its kind) of at most the reader's size bound, read to its stated size and
 * no further, and refused when it changed while it was read.
 */
final class BoundedFile {

    private BoundedFile() {}

    /**
     * @throws ModelException {@link ModelException.Kind#UNUSABLE_MODEL} naming what the file is or why it is refused
     */
    static byte[] read(Path file, long maxBytes) {
        String source = file.toString();
        try {
            BasicFileAttributes before = Files.readAttributes(file, BasicFileAttributes.class);
            if (!before.isRegularFile()) {
                throw ModelException.unusable(
                        source,
                        before.isDirectory() ? "it is a folder with no MLmodel file" : "it is not a regular file",
                        null);
            }
            if (before.size() > maxBytes) {
                throw ModelException.unusable(
                        source,
                        "it is " + before.size() + " bytes; a model file of this format is read up to " + maxBytes
                                + " bytes",
                        null);
            }
            byte[] bytes = new byte[(int) before.size()];
            int read = 0;
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
                    InputStream in = Channels.newInputStream(channel)) {
                while (read < bytes.length) {
                    int n = in.read(bytes, read, bytes.length - read);
                    if (n < 0) {
                        break;
                    }
                    read += n;
                }
                boolean longer = in.read() >= 0;
                BasicFileAttributes after = Files.readAttributes(file, BasicFileAttributes.class);
                if (read != bytes.length
                        || longer
                        || after.size() != before.size()
                        || !after.lastModifiedTime().equals(before.lastModifiedTime())) {
                    throw ModelException.unusable(source, "the file changed while it was read", null);
                }
            }
            return bytes;
        } catch (IOException e) {
            throw ModelException.unusable(
                    source, "cannot read the file (" + e.getClass().getSimpleName() + ")", e);
        }
    }
}
