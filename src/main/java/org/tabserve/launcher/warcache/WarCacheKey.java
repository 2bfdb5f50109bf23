package org.tabserve.launcher.warcache;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The WAR's identity in {@link WarCache}: a SHA-256 of its size and of its zip central directory, which holds every
 * entry's name, CRC-32, sizes, time and offset, so it changes with any entry's content; read from the file's end
 * and hashed in one call. The file's own time is left out, so a copy or a touched file of the same content shares
 * the directory. One call over the directory's bytes (about 110 KB for the bundled WAR) costs the start's main
 * thread half the CPU of a string per entry hashed in turn, as the JDK's SHA code still runs interpreted then
 * (bench/RESULTS.notes.md, "Start to ready, round 2"). Bootstrap code: the JDK only.
 */
final class WarCacheKey {

    private static final int END_SIGNATURE = 0x06054b50;
    private static final int END_LENGTH = 22;
    private static final int ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
    private static final int ZIP64_LOCATOR_LENGTH = 20;
    private static final int ZIP64_END_SIGNATURE = 0x06064b50;
    private static final int ZIP64_END_LENGTH = 56;
    /** A 32-bit field of the end record that says "see the zip64 end record". */
    private static final long ZIP64_MARK = 0xFFFFFFFFL;

    private WarCacheKey() {}

    /**
     * @param war a zip file
     * @return 20 hex digits
     * @throws IOException when it cannot be read, or has no end record that points inside it
     */
    static String of(Path war) throws IOException {
        try (FileChannel file = FileChannel.open(war)) {
            long size = file.size();
            long directory = directoryStart(file, size);
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(Long.toString(size).getBytes(StandardCharsets.UTF_8));
            ByteBuffer bytes = ByteBuffer.allocate((int) Math.min(size - directory, 1 << 20));
            for (long at = directory; at < size; ) {
                bytes.clear();
                int read = file.read(bytes, at);
                if (read <= 0) {
                    throw new IOException(war + " ended while its central directory was read");
                }
                at += read;
                bytes.flip();
                digest.update(bytes);
            }
            return HexFormat.of().formatHex(digest.digest(), 0, 10);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Where the central directory starts: from the end record (after it only its comment), or zip64's. */
    private static long directoryStart(FileChannel file, long size) throws IOException {
        int tail = (int) Math.min(size, END_LENGTH + 0xFFFF);
        ByteBuffer end = read(file, size - tail, tail);
        for (int at = tail - END_LENGTH; at >= 0; at--) {
            if (end.getInt(at) != END_SIGNATURE
                    || Short.toUnsignedInt(end.getShort(at + 20)) != tail - at - END_LENGTH) {
                continue; // not the end record: its comment runs exactly to the file's end
            }
            long start = Integer.toUnsignedLong(end.getInt(at + 16));
            long length = Integer.toUnsignedLong(end.getInt(at + 12));
            if (start == ZIP64_MARK || length == ZIP64_MARK) {
                long locatorAt = size - tail + at - ZIP64_LOCATOR_LENGTH;
                ByteBuffer locator = read(file, locatorAt, ZIP64_LOCATOR_LENGTH);
                ByteBuffer zip64 = locator.getInt(0) == ZIP64_LOCATOR_SIGNATURE
                        ? read(file, locator.getLong(8), ZIP64_END_LENGTH)
                        : null;
                if (zip64 == null || zip64.getInt(0) != ZIP64_END_SIGNATURE) {
                    throw new IOException("a zip64 end record without its locator");
                }
                start = zip64.getLong(48);
            }
            if (start < 0 || start >= size) {
                throw new IOException("a central directory outside the file");
            }
            return start;
        }
        throw new IOException("no zip end record");
    }

    private static ByteBuffer read(FileChannel file, long at, int length) throws IOException {
        if (at < 0 || at + length > file.size()) {
            throw new IOException("a zip record outside the file");
        }
        ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (buffer.hasRemaining()) {
            if (file.read(buffer, at + buffer.position()) < 0) {
                throw new IOException("the file ended early");
            }
        }
        return buffer;
    }
}
