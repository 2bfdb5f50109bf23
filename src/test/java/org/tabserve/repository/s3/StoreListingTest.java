package org.tabserve.repository.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.tabserve.repository.SkippedEntry;

/**
 * A forced reload's listing of one model: it keeps that model's files and the digests beside them (a loose
 * {@code NAME.onnx}'s {@code NAME.onnx.sha256} too, without which the reload would download the file unchecked), and
 * no other model's. A version folder holding an MLflow model's {@code MLmodel} is taken whole with its digests, within
 * its bounds of files and bytes, and refused in words past them; another folder's other files are passed over.
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

    @Test
    void anMlflowFolderIsTakenWholeWithItsDigestsAndOtherFoldersFilesArePassedOver() {
        StoreListing listing = new StoreListing(LOCATION, Optional.empty());
        for (String key : new String[] {
            "notes/1/MLmodel",
            "notes/1/MLmodel.sha256",
            "notes/1/model.xgb",
            "notes/1/model.xgb.sha256",
            "notes/1/conda.yaml",
            "penguins/3/model.txt",
            "penguins/3/model.txt.sha256",
            "penguins/3/README.md",
            "penguins/3/train.csv"
        }) {
            listing.add(new S3Objects.Listed("prod/" + key, "\"e\"", 10));
        }
        assertEquals(java.util.Set.of("penguins/3/model.txt"), listing.files.keySet(), "not settled: held");
        listing.settle();
        assertEquals(
                java.util.Set.of("notes/1/MLmodel", "notes/1/model.xgb", "notes/1/conda.yaml", "penguins/3/model.txt"),
                listing.files.keySet());
        assertEquals(
                java.util.Set.of("notes/1/MLmodel", "notes/1/model.xgb", "penguins/3/model.txt"),
                listing.digests.keySet());
        assertEquals(List.of(), listing.refused);
    }

    @Test
    void anMlflowFolderPastItsBoundsIsRefusedInWordsAndNoneOfItsFilesIsTaken() {
        StoreListing listing = new StoreListing(LOCATION, Optional.empty());
        listing.add(new S3Objects.Listed("prod/crowded/1/MLmodel", "\"e\"", 10));
        listing.add(new S3Objects.Listed("prod/crowded/1/model.json", "\"e\"", 10));
        for (int i = 0; i < StoreListing.MAX_FOLDER_FILES * 3; i++) {
            listing.add(new S3Objects.Listed("prod/crowded/1/part-" + i + ".bin", "\"e\"", 10));
        }
        listing.add(new S3Objects.Listed("prod/huge/1/MLmodel", "\"e\"", 10));
        listing.add(new S3Objects.Listed("prod/huge/1/model.xgb", "\"e\"", StoreListing.MAX_FOLDER_BYTES));
        listing.add(new S3Objects.Listed("prod/fits/1/MLmodel", "\"e\"", 10));
        listing.add(new S3Objects.Listed("prod/fits/1/model.xgb", "\"e\"", StoreListing.MAX_FOLDER_BYTES - 10));
        listing.settle();
        assertEquals(java.util.Set.of("fits/1/MLmodel", "fits/1/model.xgb"), listing.files.keySet());
        assertEquals(2, listing.refusedCount);
        SkippedEntry crowded = listing.refused.get(0);
        assertEquals("s3://models/prod/crowded/1/", crowded.path());
        assertTrue(
                crowded.reason()
                        .contains("the MLflow model folder holds " + (StoreListing.MAX_FOLDER_FILES * 3 + 2)
                                + " files, more than the " + StoreListing.MAX_FOLDER_FILES),
                crowded.reason());
        assertTrue(
                listing.refused.get(1).reason().contains("bytes, more than the " + StoreListing.MAX_FOLDER_BYTES),
                listing.refused.get(1).reason());
    }

    @Test
    void anMlmodelWaitsForItsFoldersOtherFilesAndAFileWithoutItsDigestForIt() {
        StoreListing listing = new StoreListing(LOCATION, Optional.empty());
        for (String key : new String[] {
            "notes/1/MLmodel",
            "notes/1/model.xgb",
            "notes/1/conda.yaml",
            "penguins/3/model.txt",
            "penguins/2/model.txt",
            "penguins/2/model.txt.sha256"
        }) {
            listing.add(new S3Objects.Listed("prod/" + key, "\"e\"", 10));
        }
        listing.settle();
        java.util.Set<String> inPlace = new java.util.HashSet<>(java.util.Set.of("notes/1/conda.yaml"));
        assertEquals(
                Optional.of("it waits for model.xgb of its MLflow model folder to be in the cache, so that the folder"
                        + " serves only whole"),
                listing.waits("notes/1/MLmodel", false, inPlace::contains));
        assertEquals(Optional.empty(), listing.waits("notes/1/model.xgb", false, inPlace::contains), "no digests");
        inPlace.add("notes/1/model.xgb");
        assertEquals(Optional.empty(), listing.waits("notes/1/MLmodel", false, inPlace::contains), "the folder is in");
        assertTrue(
                listing.waits("penguins/3/model.txt", false, inPlace::contains)
                        .orElse("")
                        .startsWith("it waits for its .sha256: other files of model penguins publish one"),
                "a native model file waits for its digest as a model.onnx does");
        assertEquals(
                Optional.empty(),
                listing.waits("penguins/3/model.txt", true, inPlace::contains),
                "a cached copy that matched a digest keeps its rules (CheckedDownload's)");
    }

    @Test
    void aModelInItsLibrarysOwnFileWaitsForTheCardBesideIt() {
        StoreListing listing = new StoreListing(LOCATION, Optional.empty());
        for (String key : new String[] {"notes/1/model.json", "notes/1/model.card.json", "boxes/2/model.ubj"}) {
            listing.add(new S3Objects.Listed("prod/" + key, "\"e\"", 10));
        }
        listing.settle();
        java.util.Set<String> inPlace = new java.util.HashSet<>();
        assertEquals(
                Optional.of("it waits for its card, model.card.json, to be in the cache, so that it serves with it"),
                listing.waits("notes/1/model.json", false, inPlace::contains));
        assertEquals(Optional.empty(), listing.waits("notes/1/model.card.json", false, inPlace::contains));
        assertEquals(Optional.empty(), listing.waits("boxes/2/model.ubj", false, inPlace::contains), "no card");
        inPlace.add("notes/1/model.card.json");
        assertEquals(Optional.empty(), listing.waits("notes/1/model.json", false, inPlace::contains), "the card is in");
    }
}
