package org.tabserve.repository.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * A store's failures told in words of their kind, never with the SDK's message: S3's SignatureDoesNotMatch error
 * carries the access key id and the string that was signed, which must reach neither the log nor the index.
 */
class S3ObjectsTest {

    private static final String SECRET = "AKIASECRETKEYID12345";

    @Test
    void anErrorStatusIsToldByItsStatusAndCodeAlone() {
        S3Exception refused = (S3Exception) S3Exception.builder()
                .statusCode(403)
                .message("The request signature we calculated does not match; AWSAccessKeyId " + SECRET)
                .awsErrorDetails(AwsErrorDetails.builder()
                        .errorCode("SignatureDoesNotMatch")
                        .errorMessage("AWSAccessKeyId " + SECRET)
                        .build())
                .build();
        String words = S3Objects.words(refused);
        assertEquals(
                "the store answered 403 SignatureDoesNotMatch (check the credentials and the bucket's policy)", words);
        assertFalse(words.contains(SECRET));
    }

    @Test
    void noAnswerIsToldByTheCausesKindAlone() {
        SdkClientException down = SdkClientException.builder()
                .message("Unable to execute HTTP request to http://" + SECRET + "@host")
                .cause(new ConnectException("Connection refused to " + SECRET))
                .build();
        assertEquals("the store did not answer (ConnectException)", S3Objects.words(down));
    }

    @Test
    void noCredentialsIsToldAsSuchNotAsAStoreDown() {
        SdkClientException none = SdkClientException.builder()
                .message("Unable to load credentials from any of the providers in the chain")
                .build();
        String words = S3Objects.words(none);
        assertTrue(words.startsWith("no request could be made (SdkClientException): check the credentials"), words);
    }
}
