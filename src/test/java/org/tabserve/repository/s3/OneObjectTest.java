package org.tabserve.repository.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * One model object's location ({@code --model s3://BUCKET/KEY.onnx}) read strictly: its folder becomes the mirror's
 * location and its file the one cache path; a key that would climb out of its folder or hold odd characters is
 * refused in words, never made a path.
 */
class OneObjectTest {

    @Test
    void aKeyEndingInOnnxNamesOneObjectAndAnythingElseAPrefix() {
        assertTrue(OneObject.names("s3://models/prod/banknote.onnx"));
        assertTrue(OneObject.names(" s3://models/banknote.onnx "));
        assertFalse(OneObject.names("s3://models/prod"), "a prefix");
        assertFalse(OneObject.names("s3://models/prod/"), "a prefix");
        assertFalse(OneObject.names("s3://models.onnx"), "a bucket, not a key");
        assertFalse(OneObject.names("/srv/models/banknote.onnx"), "a local file");
    }

    @Test
    void itsFolderIsTheLocationAndItsFileTheCachePath() {
        OneObject one = OneObject.parse("s3://models/prod/tabular/banknote.onnx");
        assertEquals(new S3Location("models", "prod/tabular/"), one.folder());
        assertEquals("banknote.onnx", one.file());
        assertEquals("prod/tabular/banknote.onnx", one.key());
        assertEquals("s3://models/prod/tabular/banknote.onnx", one.toString());
        OneObject top = OneObject.parse("s3://models/banknote.onnx");
        assertEquals(new S3Location("models", ""), top.folder());
        assertEquals("banknote.onnx", top.key());
    }

    @Test
    void keysThatClimbOrHoldOddCharactersAreRefusedInWords() {
        assertRefused("s3://models/prod/../etc/x.onnx", "climbs out");
        assertRefused("s3://models/./x.onnx", "climbs out");
        assertRefused("s3://models//etc/x.onnx", "absolute");
        assertRefused("s3://models/prod//x.onnx", "empty part");
        assertRefused("s3://models/prod\\..\\x.onnx", "backslash");
        assertRefused("s3://models/prod/odd name.onnx", "not letters, digits");
        assertRefused("s3://models/prod/.hidden.onnx", "not letters, digits");
        assertRefused("s3://models/prod/.onnx", "not letters, digits");
        assertRefused("s3://models/b\u00e4nknote.onnx", "not letters, digits");
        assertRefused("s3://models/prod/banknote.csv", "it is not s3://BUCKET/KEY.onnx");
        assertRefused("s3://Models/banknote.onnx", "is not a bucket name");
    }

    private static void assertRefused(String location, String words) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OneObject.parse(location));
        assertTrue(e.getMessage().contains(words), location + ": " + e.getMessage());
    }
}
