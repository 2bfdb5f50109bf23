package org.tabserve.web.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tabserve.testing.Http;
import org.tabserve.testing.Multipart;

/**
 * Issue 34 item 7: with {@code ?on_error=row} each bad row is answered with its errors, which are far longer than the
 * row ({@code x,x,x,x} answers four sentences), so a small gzip upload of bad rows once made a 772 MB answer. Every
 * batch route answers at most {@code tabserve.max-error-rows} rows with their errors (here 100) and refuses a batch
 * with more with a 413 naming the bound and its setting, before anything is answered; at the bound, it answers 200.
 */
class ErrorRowsLimitTest {

    private static final int MAX_ERROR_ROWS = 100;
    private static final String HEADER = "variance,skewness,curtosis,entropy\n";

    @RegisterExtension
    static final Http http = Http.startingTheApp(Map.of("TABSERVE_MAX_ERROR_ROWS", Integer.toString(MAX_ERROR_ROWS)));

    private static String badCsv(int rows) {
        return HEADER + "x,x,x,x\n".repeat(rows);
    }

    private static String badInstances(int rows) {
        return "{\"instances\": ["
                + String.join(
                        ",",
                        java.util.Collections.nCopies(
                                rows, "{\"variance\": \"x\", \"skewness\": 1, \"curtosis\": 1, \"entropy\": 1}"))
                + "]}";
    }

    private static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }

    private static void refusedNamingTheBound(Http.Response response) {
        assertEquals(
                413,
                response.status(),
                () -> response.request() + " answered " + response.status() + " with "
                        + response.body().length + " bytes: "
                        + response.text()
                                .substring(0, Math.min(300, response.text().length())));
        assertTrue(response.text().contains("more than " + MAX_ERROR_ROWS + " rows have errors"), response.text());
        assertTrue(response.text().contains("tabserve.max-error-rows"), response.text());
        assertTrue(response.text().contains("TABSERVE_MAX_ERROR_ROWS"), response.text());
    }

    @Test
    void aGzipUploadOfManyBadRowsIsRefusedNamingTheBoundInEveryAnswerFormat() throws IOException {
        byte[] gz = gzip(badCsv(200_000)); // 1.6 MB of rows in a few kilobytes
        assertTrue(gz.length < 8192, "the upload is small: " + gz.length + " bytes");
        for (String query : new String[] {"", "&format=csv", "&format=html"}) {
            refusedNamingTheBound(http.upload(
                    "/predict_file?on_error=row" + query,
                    new Multipart().file("file", "bad.csv.gz", "application/gzip", gz)));
        }
    }

    @Test
    void anUploadWithAsManyBadRowsAsTheBoundIsAnsweredRowByRow() {
        Http.Response answer = http.upload(
                "/predict_file?on_error=row&format=csv",
                Multipart.csv(badCsv(MAX_ERROR_ROWS) + "3.6,8.6,-2.8,-0.44\n"));
        assertEquals(200, answer.status(), answer::text);
        assertEquals(MAX_ERROR_ROWS + 2, answer.text().lines().count(), "the header and every row");
    }

    @Test
    void invocationsAndJsonBatchesKeepTheSameBound() {
        refusedNamingTheBound(http.post(
                "/invocations?on_error=row",
                "text/csv",
                badCsv(MAX_ERROR_ROWS + 1).getBytes(StandardCharsets.UTF_8)));
        refusedNamingTheBound(http.postJson("/invocations?on_error=row", badInstances(MAX_ERROR_ROWS + 1)));
        refusedNamingTheBound(http.postJson("/api/predict?on_error=row", badInstances(MAX_ERROR_ROWS + 1)));
        assertEquals(
                200,
                http.postJson("/api/predict?on_error=row", badInstances(MAX_ERROR_ROWS))
                        .status());
    }
}
