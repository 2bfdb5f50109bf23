package org.tabserve.repository.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A forced reload's listing of one model: it keeps that model's files and the digests beside them (a loose
 * {@code NAME.onnx}'s {@code NAME.onnx.sha256} too, without which the reload would download the file unchecked), and
 * no other model's.
 */
class StoreListingTest {

    private static final S3Location LOCATION = new S3Location("models", "prod/");

    @Test
    void aForcedReloadOfOneModelListsItsFilesAndTheirDigestsAndNoOthers() {
        StoreListing listing = new StoreListing(LOCATION, Optional.of("banknote"));
        for (String key : new String[] {
            "banknote.onnx",
            "banknote.onnx.sha256",
            "banknote/2/model.onnx",
            "banknote/2/model.onnx.sha256",
            "banknote2.onnx",
            "banknote2.onnx.sha256",
            "species.onnx"
        }) {
            listing.add(new S3Objects.Listed("prod/" + key, "\"e\"", 10));
        }
        assertEquals(java.util.Set.of("banknote.onnx", "banknote/2/model.onnx"), listing.files.keySet());
        assertEquals(
                java.util.Set.of("banknote.onnx", "banknote/2/model.onnx"),
                listing.digests.keySet(),
                "each file's digest is listed with it, so that the reload checks it");
        assertTrue(listing.covers("banknote.onnx.sha256"));
        assertFalse(listing.covers("banknote2.onnx"));
    }
}
