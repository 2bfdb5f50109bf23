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

    @Test
    void aCachedFileServesAtStartOnlyWhereItMatchesThePublishedDigestItWasCheckedAgainst() throws IOException {
        CacheFolder cache = CacheFolder.open(temp.resolve("gate"));
        byte[] bytes = "model bytes".getBytes();
        for (String path : new String[] {"checked.onnx", "contradicted.onnx", "plain.onnx", "stray.onnx"}) {
            cache.install(cache.write(path, new ByteArrayInputStream(bytes), bytes.length), path);
        }
        String own = cache.digestOf("checked.onnx").orElseThrow();
        Map<String, CacheFolder.Entry> manifest = new java.util.TreeMap<>(Map.of(
                "checked.onnx", new CacheFolder.Entry("\"a\"", own, bytes.length, "\"d\"", own),
                // its own digest recorded, but it was checked against another: it never passed the gate
                "contradicted.onnx", new CacheFolder.Entry("\"b\"", own, bytes.length, "\"d\"", "0".repeat(64)),
                "plain.onnx", new CacheFolder.Entry("\"c\"", own, bytes.length, "")));
        cache.writeManifest(manifest);
        assertEquals(manifest, cache.readManifest(), "the published digest is read back as written");

        Map<String, CacheFolder.Entry> read = new java.util.TreeMap<>(cache.readManifest());
        cache.dropChanged(read);
        cache.dropUnrecorded(read.keySet());
        assertEquals(java.util.Set.of("checked.onnx", "plain.onnx"), read.keySet());
        assertFalse(Files.exists(cache.file("contradicted.onnx")), "not what its published digest says");
        assertFalse(Files.exists(cache.file("stray.onnx")), "a model file the manifest does not record never serves");
        assertTrue(Files.exists(cache.file("checked.onnx")) && Files.exists(cache.file("plain.onnx")));
    }

    @Test
    void anMlflowFoldersFilesAndANativeModelServeAtStartOnlyWhereTheManifestRecordsThem() throws IOException {
        CacheFolder cache = CacheFolder.open(temp.resolve("mlflow"));
        byte[] bytes = "model bytes".getBytes();
        String[] paths = {
            "notes/1/MLmodel", "notes/1/model.xgb", "notes/1/planted.json", "notes/2/model.json", "stray/1/model.txt"
        };
        for (String path : paths) {
            cache.install(cache.write(path, new ByteArrayInputStream(bytes), bytes.length), path);
        }
        String own = cache.digestOf("notes/1/MLmodel").orElseThrow();
        Map<String, CacheFolder.Entry> manifest = new java.util.TreeMap<>();
        for (String path : new String[] {"notes/1/MLmodel", "notes/1/model.xgb", "notes/2/model.json"}) {
            manifest.put(path, new CacheFolder.Entry("\"a\"", own, bytes.length, ""));
        }
        cache.writeManifest(manifest);
        Map<String, CacheFolder.Entry> read = new java.util.TreeMap<>(cache.readManifest());
        assertEquals(manifest, read, "an MLflow folder's files and a native model are read back");
        cache.dropChanged(read);
        cache.dropUnrecorded(read.keySet());
        assertFalse(Files.exists(cache.file("notes/1/planted.json")), "a file an MLmodel could name is vouched for");
        assertFalse(Files.exists(cache.file("stray/1/model.txt")), "a native model not recorded never serves");
        for (String path : manifest.keySet()) {
            assertTrue(Files.exists(cache.file(path)), path);
        }
    }

    @Test
    void anEarlierRunsManifestLineCountsAsCheckedOnlyWhenItNamesADigestObject() throws IOException {
        CacheFolder cache = CacheFolder.open(temp.resolve("old"));
        String sha = "a".repeat(64);
        Files.writeString(
                cache.root().resolve(CacheFolder.MANIFEST),
                "x.onnx\te\t" + sha + "\t1\t\"d\"\ny.onnx\te\t" + sha + "\t1\t\n");
        Map<String, CacheFolder.Entry> read = cache.readManifest();
        assertTrue(read.get("x.onnx").checked());
        assertFalse(read.get("y.onnx").checked());
    }

    @Test
    void emptyFoldersGoButOneADownloadWritesInStays() throws IOException {
        CacheFolder cache = CacheFolder.open(temp.resolve("folders"));
        Files.createDirectories(cache.root().resolve("banknote/3"));
        Files.createDirectories(cache.root().resolve("iris/2"));
        cache.removeEmptyFolders(folder -> folder.equals("iris/") || folder.equals("iris/2/"));
        assertFalse(Files.exists(cache.root().resolve("banknote")), "a dropped version's folder leaves the cache");
        assertTrue(Files.exists(cache.root().resolve("iris/2")), "a download in flight writes there");
    }
}
