package org.tabserve.repository.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.repository.ModelStore;

/**
 * A mirror whose store does not answer (a loopback port nobody listens on): the cache of a previous run serves, but
 * only the files that are what its manifest recorded; a file changed since (tampered with, or cut short) is removed
 * rather than served, and the store is said to be unreachable, with why.
 */
class S3MirrorTest {

    @TempDir
    Path temp;

    @Test
    void aCachedFileThatIsNotWhatWasDownloadedIsRemovedAndTheRestServes() throws Exception {
        CacheFolder cache = CacheFolder.open(temp.resolve("cache"));
        byte[] good = "a good model".getBytes();
        CacheFolder.Written kept = cache.write("kept.onnx", new ByteArrayInputStream(good), good.length);
        cache.install(kept, "kept.onnx");
        CacheFolder.Written changed = cache.write("changed/1/model.onnx", new ByteArrayInputStream(good), good.length);
        cache.install(changed, "changed/1/model.onnx");
        cache.writeManifest(Map.of(
                "kept.onnx", new CacheFolder.Entry("\"a\"", kept.sha256(), good.length, ""),
                "changed/1/model.onnx", new CacheFolder.Entry("\"b\"", changed.sha256(), good.length, "")));
        Files.writeString(cache.file("changed/1/model.onnx"), "tampered"); // after the manifest recorded it
        Files.writeString(cache.root().resolve("changed/1/.model.onnx.1234.part"), "a download cut short");

        S3Location location = S3Location.parse("s3://models/prod");
        try (S3Mirror mirror = new S3Mirror(
                location,
                S3Objects.open(location, Optional.of(nobody()), StoreReads.DEFAULTS),
                cache,
                2,
                Long.MAX_VALUE,
                Optional.empty())) {
            assertTrue(Files.exists(cache.file("kept.onnx")), "a file the manifest vouches for serves");
            assertFalse(Files.exists(cache.file("changed/1/model.onnx")), "a changed file is not served");
            assertFalse(Files.exists(cache.root().resolve("changed/1/.model.onnx.1234.part")), "leftovers removed");
            assertEquals(Map.of("kept.onnx", cache.readManifest().get("kept.onnx")), cache.readManifest());

            mirror.refresh(false, Optional.empty());
            ModelStore.State state = mirror.state();
            assertFalse(state.reachable());
            // No answer, or (without credentials in the test's JVM) no request at all: said either way.
            assertTrue(state.detail().orElse("").endsWith("; the cached models keep serving"), state.toString());
            assertEquals(1, state.cachedFiles());
            assertTrue(Files.exists(cache.file("kept.onnx")), "the store being down removes nothing");
            assertEquals(1, state.failures(), "one failed request");
            mirror.refresh(false, Optional.empty()); // the second failure in a row: the next poll is passed over
            mirror.refresh(false, Optional.empty());
            assertEquals(2, mirror.state().failures(), "a poll passed over sends nothing");
            assertEquals(1, mirror.state().backoffs());
        }
    }

    @Test
    void oneObjectsCachedCopyStaysAndTheStateNamesTheObjectWhenTheStoreDoesNotAnswer() throws Exception {
        CacheFolder cache = CacheFolder.open(temp.resolve("one"));
        byte[] good = "a good model".getBytes();
        CacheFolder.Written written = cache.write("banknote.onnx", new ByteArrayInputStream(good), good.length);
        cache.install(written, "banknote.onnx");
        cache.writeManifest(Map.of("banknote.onnx", new CacheFolder.Entry("\"a\"", written.sha256(), good.length, "")));
        OneObject one = OneObject.parse("s3://models/prod/banknote.onnx");
        try (S3Mirror mirror = new S3Mirror(
                one.folder(),
                S3Objects.open(one.folder(), Optional.of(nobody()), StoreReads.DEFAULTS),
                cache,
                2,
                Long.MAX_VALUE,
                Optional.of(one))) {
            mirror.refresh(false, Optional.empty());
            ModelStore.State state = mirror.state();
            assertFalse(state.reachable(), state.toString());
            assertEquals("s3://models/prod/banknote.onnx", state.location());
            assertTrue(state.oneModel());
            assertEquals(1, state.cachedFiles());
            assertEquals(1, state.failures(), "the object's request failed; its digest's was not sent");
            assertTrue(Files.exists(cache.file("banknote.onnx")), "the cached copy stays to serve");
        }
    }

    /** A loopback port nobody listens on. */
    private static URI nobody() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }
    }
}
