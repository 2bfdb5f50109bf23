package org.tabserve.web.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tabserve.rows.arrow.ArrowRowsReader;
import org.tabserve.testing.Http;
import org.tabserve.testing.Multipart;

/**
 * {@code /predict_file} and {@code /invocations} read {@code Accept} as HTTP defines media types, case-insensitively:
 * a client that writes {@code Text/CSV} or Arrow's stream type in capitals gets the table it asked for, not JSON.
 */
class AcceptInAnyCaseTest {

    private static final String FIRST_NOTES = "variance,skewness,curtosis,entropy\n3.6216,8.6661,-2.8073,-0.44699\n";

    @RegisterExtension
    static final Http http = Http.sharingTheApp();

    @Test
    void anUploadAskedForInCapitalsIsAnsweredInThatFormat() throws Exception {
        Http.Response csv = http.upload("/predict_file", Multipart.csv(FIRST_NOTES), "Accept", "Text/CSV");
        assertEquals(200, csv.status(), csv.text());
        assertEquals("text/csv", csv.mediaType());
        Http.Response arrow = http.upload(
                "/predict_file", Multipart.csv(FIRST_NOTES), "Accept", ArrowRowsReader.MEDIA_TYPE.toUpperCase());
        assertEquals(200, arrow.status(), arrow.text());
        assertEquals(ArrowRowsReader.MEDIA_TYPE, arrow.mediaType());
    }

    @Test
    void invocationsAskedForArrowInCapitalsAnswerInArrow() throws Exception {
        byte[] notes = Files.readAllBytes(Path.of("data/BankNote_Authentication.csv"));
        Http.Response arrow =
                http.post("/invocations", "text/csv", notes, "Accept", "Application/Vnd.Apache.Arrow.Stream");
        assertEquals(200, arrow.status(), arrow.text());
        assertEquals(ArrowRowsReader.MEDIA_TYPE, arrow.mediaType());
        assertTrue(arrow.body().length > 1372, "an Arrow table of 1,372 answers");
    }
}
