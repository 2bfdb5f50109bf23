package org.tabserve.repository.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Which keys under a location become files in the cache (a local {@code --models} directory's layout) and which are
 * refused in words: every key that would climb out of the prefix or hold characters a cache file name may not.
 */
class ObjectKeysTest {

    @Test
    void theLayoutsOfALocalModelDirectoryAreTaken() {
        for (String key : new String[] {
            "banknote.onnx",
            "banknote.onnx.sha256",
            "banknote/model.onnx",
            "banknote/other.onnx",
            "banknote/rollout.json",
            "banknote/12/model.onnx",
            "banknote/12/model.onnx.sha256"
        }) {
            assertEquals(Optional.of(key), ObjectKeys.read(key).path(), key);
        }
    }

    @Test
    void aVersionFolderMayHoldAModelInItsLibrarysOwnFileInsteadOfModelOnnx() {
        for (String key : new String[] {
            "notes/1/model.json",
            "notes/1/model.json.sha256",
            "notes/2/model.ubj",
            "penguins/12/model.txt",
            "penguins/12/model.txt.sha256",
            "penguins/12/model.card.json",
            "penguins/12/model.card.json.sha256"
        }) {
            ObjectKeys.Reading reading = ObjectKeys.read(key);
            assertEquals(Optional.of(key), reading.path(), key);
            assertFalse(reading.folderFile(), key + " is taken as it is, as model.onnx is");
        }
    }

    @Test
    void aVersionFoldersOtherFilesAreTakenOnlyAsAnMlflowModelsWhichTheListingDecides() {
        for (String key : new String[] {
            "notes/1/MLmodel",
            "notes/1/MLmodel.sha256",
            "notes/1/model.xgb",
            "notes/1/model.xgb.sha256",
            "notes/1/conda.yaml",
            "notes/1/README.md"
        }) {
            ObjectKeys.Reading reading = ObjectKeys.read(key);
            assertEquals(Optional.of(key), reading.path(), key);
            assertTrue(reading.folderFile(), key);
        }
        assertEquals(ObjectKeys.Reading.PASSED_OVER, ObjectKeys.read("notes/1/odd name.yaml"), "as a scan passes");
        assertEquals(ObjectKeys.Reading.PASSED_OVER, ObjectKeys.read("notes/1/.MLmodel"), "hidden, as in a scan");
        assertRefused("odd name/1/MLmodel", "not letters, digits");
        assertRefused("odd name/1/model.json", "not letters, digits");
        assertEquals(ObjectKeys.Reading.PASSED_OVER, ObjectKeys.read("notes/1/data/model.xgb"), "deeper: not served");
        assertEquals(ObjectKeys.Reading.PASSED_OVER, ObjectKeys.read("notes/model.json"), "served in versions only");
        assertEquals(ObjectKeys.Reading.PASSED_OVER, ObjectKeys.read("notes/v1/MLmodel"), "not a version folder");
        assertEquals(ObjectKeys.Reading.PASSED_OVER, ObjectKeys.read("notes.json"));
        assertRefused("notes/1/other.onnx", "not in a model repository's layout");
        assertRefused("notes/1/rollout.json", "not in a model repository's layout");
        assertRefused("notes/1/../../x/MLmodel", "climbs out of the prefix");
    }

    @Test
    void otherFilesArePassedOverSilently() {
        for (String key : new String[] {"README.md", "banknote/notes.txt", "data/train.csv", "banknote/"}) {
            ObjectKeys.Reading reading = ObjectKeys.read(key);
            assertEquals(ObjectKeys.Reading.PASSED_OVER, reading, key);
        }
    }

    @Test
    void keysThatClimbOutOfThePrefixAreRefusedInWords() {
        assertRefused("../escape.onnx", "climbs out of the prefix ('..')");
        assertRefused("banknote/../../escape.onnx", "climbs out of the prefix ('..')");
        assertRefused("banknote/./1/model.onnx", "climbs out of the prefix ('.')");
        assertRefused("/etc/cron.d/x.onnx", "absolute after the prefix");
        assertRefused("banknote//model.onnx", "empty part");
        assertRefused("banknote\\..\\x.onnx", "backslash");
    }

    @Test
    void oddCharactersAndHiddenNamesAreRefused() {
        assertRefused("odd name.onnx", "not letters, digits");
        assertRefused("new\nline.onnx", "not letters, digits");
        assertRefused(".hidden.onnx", "not letters, digits");
        assertRefused("banknote/.tabserve-store/model.onnx", "not letters, digits");
        assertRefused("b\u00e4nknote.onnx", "not letters, digits");
        assertRefused("x".repeat(1100) + ".onnx", "longer than 1024");
    }

    @Test
    void aFileOutOfTheLayoutIsRefusedRatherThanCopiedAnywhere() {
        assertRefused("a/b/c/d/model.onnx", "not in a model repository's layout");
        assertRefused("banknote/v1/model.onnx", "not in a model repository's layout");
        assertRefused("rollout.json", "not in a model repository's layout");
        assertRefused(".onnx", "not letters, digits");
    }

    private static void assertRefused(String key, String words) {
        ObjectKeys.Reading reading = ObjectKeys.read(key);
        assertTrue(reading.path().isEmpty(), key + " must not become a cache path");
        assertTrue(reading.refusal().orElse("").contains(words), key + ": " + reading.refusal());
    }
}
