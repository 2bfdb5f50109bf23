package org.tabserve.repository.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** An {@code s3://BUCKET/PREFIX} location read strictly, refused in words otherwise. */
class S3LocationTest {

    @Test
    void aBucketAndAPrefixAreRead() {
        assertEquals(new S3Location("models", "prod/tabular/"), S3Location.parse("s3://models/prod/tabular"));
        assertEquals(new S3Location("models", "prod/"), S3Location.parse(" s3://models/prod/ "));
        assertEquals(new S3Location("my.bucket-1", ""), S3Location.parse("s3://my.bucket-1"));
        assertEquals("s3://models/prod/", S3Location.parse("s3://models/prod").toString());
    }

    @Test
    void aLocalPathIsNotAStoresLocation() {
        assertTrue(S3Location.isS3("S3://models"));
        assertTrue(!S3Location.isS3("/srv/models") && !S3Location.isS3("s3:/models"));
    }

    @Test
    void badBucketsAndPrefixesAreRefusedInWords() {
        assertWords("s3://Models/x", "is not a bucket name");
        assertWords("s3://ab/x", "is not a bucket name");
        assertWords("s3://a..b/x", "is not a bucket name");
        assertWords("s3://models/../etc", "has a part '..'");
        assertWords("s3://models//x", "has a part ''");
        assertWords("s3://models/a b", "has a part 'a b'");
        assertWords("s3://models/a\u0001b", "has a part 'a?b'");
    }

    private static void assertWords(String location, String words) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> S3Location.parse(location));
        assertTrue(e.getMessage().contains(words), e.getMessage());
    }
}
