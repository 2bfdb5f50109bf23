package org.tabserve.launcher.warcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link WarCacheKey} names a WAR by its content: a copy or a touched file keeps its key, and a changed, added or
 * renamed entry gets a new one, also behind an archive comment and with a zip64 end record (a WAR over 4 GB).
 */
class WarCacheKeyTest {

    @TempDir
    Path dir;

    private static final FileTime BUILT = FileTime.fromMillis(1_700_000_000_000L);

    private Path zip(String name, Map<String, String> entries, String comment) throws IOException {
        Path file = dir.resolve(name);
        try (OutputStream out = Files.newOutputStream(file);
                ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, String> entry : entries.entrySet()) {
                ZipEntry zipEntry = new ZipEntry(entry.getKey());
                zipEntry.setLastModifiedTime(BUILT);
                zip.putNextEntry(zipEntry);
                zip.write(entry.getValue().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
            if (comment != null) {
                zip.setComment(comment);
            }
        }
        return file;
    }

    private Path war(String name, String webXml) throws IOException {
        Map<String, String> entries = new LinkedHashMap<>();
        entries.put("WEB-INF/web.xml", webXml);
        entries.put("WEB-INF/classes/a.txt", "a");
        return zip(name, entries, null);
    }

    @Test
    void aCopyOrATouchedFileOfTheSameContentKeepsItsKey() throws Exception {
        Path war = war("a.war", "<web-app/>");
        String key = WarCacheKey.of(war);
        Path copy = Files.copy(war, dir.resolve("copy.war"));
        Files.setLastModifiedTime(copy, FileTime.fromMillis(System.currentTimeMillis() + 60_000));
        assertEquals(key, WarCacheKey.of(copy));
        assertTrue(key.matches("[0-9a-f]{20}"), key);
    }

    @Test
    void anEntryWhoseContentChangesAtTheSameSizeGetsANewKey() throws Exception {
        assertNotEquals(WarCacheKey.of(war("a.war", "<web-app/>")), WarCacheKey.of(war("b.war", "<web-app>")));
    }

    @Test
    void anAddedOrRenamedEntryGetsANewKey() throws Exception {
        Path war = war("a.war", "<web-app/>");
        Map<String, String> added = new LinkedHashMap<>();
        added.put("WEB-INF/web.xml", "<web-app/>");
        added.put("WEB-INF/classes/a.txt", "a");
        added.put("WEB-INF/classes/b.txt", "");
        Map<String, String> renamed = new LinkedHashMap<>();
        renamed.put("WEB-INF/web.xml", "<web-app/>");
        renamed.put("WEB-INF/classes/c.txt", "a");
        String key = WarCacheKey.of(war);
        assertNotEquals(key, WarCacheKey.of(zip("added.war", added, null)));
        assertNotEquals(key, WarCacheKey.of(zip("renamed.war", renamed, null)));
    }

    @Test
    void theDirectoryIsFoundBehindAnArchiveComment() throws Exception {
        Map<String, String> one = Map.of("WEB-INF/web.xml", "<web-app/>");
        Map<String, String> other = Map.of("WEB-INF/web.xml", "<web-app>");
        String comment = "PK\u0005\u0006 looks like an end record, but is a comment";
        assertNotEquals(WarCacheKey.of(zip("one.war", one, comment)), WarCacheKey.of(zip("other.war", other, comment)));
    }

    /**
     * {@code zip} rewritten with a zip64 end record, as a WAR over 4 GB has: the end record's directory size and offset
     * say "see zip64's", and the zip64 record (found through its locator) gives them.
     */
    private Path asZip64(Path zip) throws IOException {
        byte[] bytes = Files.readAllBytes(zip);
        ByteBuffer end = ByteBuffer.wrap(bytes, bytes.length - 22, 22).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0x06054b50, end.getInt(bytes.length - 22), "a zip without a comment");
        int entries = Short.toUnsignedInt(end.getShort(bytes.length - 22 + 10));
        long directorySize = Integer.toUnsignedLong(end.getInt(bytes.length - 22 + 12));
        long directoryOffset = Integer.toUnsignedLong(end.getInt(bytes.length - 22 + 16));
        long zip64At = bytes.length - 22;
        ByteBuffer tail = ByteBuffer.allocate(56 + 20 + 22).order(ByteOrder.LITTLE_ENDIAN);
        tail.putInt(0x06064b50)
                .putLong(44)
                .putShort((short) 45)
                .putShort((short) 45)
                .putInt(0)
                .putInt(0);
        tail.putLong(entries).putLong(entries).putLong(directorySize).putLong(directoryOffset);
        tail.putInt(0x07064b50).putInt(0).putLong(zip64At).putInt(1);
        tail.putInt(0x06054b50)
                .putShort((short) 0)
                .putShort((short) 0)
                .putShort((short) -1)
                .putShort((short) -1);
        tail.putInt(-1).putInt(-1).putShort((short) 0);
        Path zip64 = dir.resolve("zip64-" + zip.getFileName());
        try (OutputStream out = Files.newOutputStream(zip64)) {
            out.write(bytes, 0, bytes.length - 22);
            out.write(tail.array());
        }
        try (ZipFile check = new ZipFile(zip64.toFile())) { // the JDK reads it as zip64
            assertEquals(entries, check.size());
        }
        return zip64;
    }

    @Test
    void aWarWithAZip64EndRecordIsNamedByItsDirectoryToo() throws Exception {
        String one = WarCacheKey.of(asZip64(war("one.war", "<web-app/>")));
        String other = WarCacheKey.of(asZip64(war("other.war", "<web-app>")));
        assertNotEquals(one, other);
        assertEquals(one, WarCacheKey.of(asZip64(war("again.war", "<web-app/>"))));
    }

    @Test
    void aFileThatIsNoZipIsRefused() throws Exception {
        Path text = Files.writeString(dir.resolve("not.war"), "not a zip file at all, no end record here");
        assertThrows(IOException.class, () -> WarCacheKey.of(text));
        Path empty = Files.createFile(dir.resolve("empty.war"));
        assertThrows(IOException.class, () -> WarCacheKey.of(empty));
    }
}
