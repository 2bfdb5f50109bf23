package org.tabserve.repository.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cache a store's models are mirrored into: made owner-only, refused when others may write it; a download bounded
 * by its listed size and written under a hidden name until it is complete; the manifest read back as written.
 */
class CacheFolderTest {

    @TempDir
    Path temp;

    @Test
    void aNewCacheIsOwnerOnly() throws IOException {
        CacheFolder cache = CacheFolder.open(temp.resolve("a/b/cache"));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(cache.root())));
    }

    @Test
    void aCacheOthersMayWriteIsRefusedInWords() throws IOException {
        Path open = Files.createDirectory(temp.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CacheFolder.open(open));
        assertTrue(e.getMessage().contains("rwxrwxrwx") && e.getMessage().contains("chmod 700"), e.getMessage());
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwx---"));
        assertThrows(IllegalArgumentException.class, () -> CacheFolder.open(open), "group-writable too");
    }

    @Test
    void aLinkIsRefusedAsACache() throws IOException {
        Path real = Files.createDirectory(temp.resolve("real"));
        Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rwx------"));
        Path link = Files.createSymbolicLink(temp.resolve("link"), real);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CacheFolder.open(link));
        assertTrue(e.getMessage().contains("not a folder"), e.getMessage());
    }

    @Test
    void aDownloadLongerOrShorterThanListedLeavesNothingBehind() throws IOException {
        CacheFolder cache = CacheFolder.open(temp.resolve("cache"));
        IOException longer = assertThrows(
                IOException.class, () -> cache.write("m/1/model.onnx", new ByteArrayInputStream(new byte[11]), 10));
        assertTrue(longer.getMessage().contains("longer than the 10 bytes"), longer.getMessage());
        IOException shorter = assertThrows(
                IOException.class, () -> cache.write("m/1/model.onnx", new ByteArrayInputStream(new byte[9]), 10));
        assertTrue(shorter.getMessage().contains("after 9 of 10 bytes"), shorter.getMessage());
        try (var files = Files.walk(cache.root())) {
            assertEquals(0, files.filter(Files::isRegularFile).count(), "no temporary file left");
        }
    }

    @Test
    void aWrittenFileIsHiddenUntilInstalledAndItsDigestRecorded() throws IOException {
        CacheFolder cache = CacheFolder.open(temp.resolve("cache"));
        byte[] bytes = "model bytes".getBytes();
        CacheFolder.Written written = cache.write("m.onnx", new ByteArrayInputStream(bytes), bytes.length);
        assertTrue(written.temp().getFileName().toString().startsWith("."), "hidden from the repository's scan");
        assertFalse(Files.exists(cache.file("m.onnx")));
        cache.install(written, "m.onnx");
        assertEquals(Optional.of(written.sha256()), cache.digestOf("m.onnx"));
        cache.writeManifest(Map.of("m.onnx", new CacheFolder.Entry("\"etag\"", written.sha256(), 11, "")));
        assertEquals(
                Map.of("m.onnx", new CacheFolder.Entry("\"etag\"", written.sha256(), 11, "")), cache.readManifest());
    }

    @Test
    void aManifestLineNamingAPathOutOfTheLayoutIsIgnored() throws IOException {
        CacheFolder cache = CacheFolder.open(temp.resolve("cache"));
        Files.writeString(cache.root().resolve(CacheFolder.MANIFEST), "../../etc/x.onnx\te\tabc\t1\t\n");
        assertEquals(Map.of(), cache.readManifest());
    }
}
