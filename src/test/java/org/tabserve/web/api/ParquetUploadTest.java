package org.tabserve.web.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tabserve.testing.Http;
import org.tabserve.testing.Multipart;

/**
 * Parquet uploads on {@code /predict_file}: the bank notes (Snappy, written by Hadoop's codec), named by media type or
 * by file name, get the JSON answer the same rows get as CSV, byte for byte; a file whose footer length reaches past
 * it is a 400 in words.
 */
class ParquetUploadTest {

    private static final Path NOTES = Path.of("src/test/resources/parquet/banknotes.snappy.parquet");

    @RegisterExtension
    static final Http http = Http.sharingTheApp();

    @Test
    void aParquetUploadIsAnsweredAsTheSameRowsInCsv() throws Exception {
        byte[] parquet = Files.readAllBytes(NOTES);
        Http.Response fromCsv = http.upload(
                "/predict_file", Multipart.csv(Files.readAllBytes(Path.of("data/BankNote_Authentication.csv"))));
        assertEquals(200, fromCsv.status(), fromCsv.text());
        for (Multipart upload : new Multipart[] {
            new Multipart().file("file", "notes.bin", "application/vnd.apache.parquet", parquet),
            new Multipart().file("file", "notes.parquet", "application/octet-stream", parquet)
        }) {
            Http.Response fromParquet = http.upload("/predict_file", upload);
            assertEquals(200, fromParquet.status(), fromParquet.text());
            assertArrayEquals(fromCsv.body(), fromParquet.body(), fromParquet.text());
        }
        assertEquals(1372, fromCsv.json().get("predictions").size());
    }

    @Test
    void aFooterLengthPastTheFileIsA400InWords() throws Exception {
        byte[] parquet = Files.readAllBytes(NOTES);
        ByteBuffer.wrap(parquet, parquet.length - 8, 4)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putInt(0x7ffffff0);
        Http.Response refused = http.upload(
                "/predict_file", new Multipart().file("file", "notes.parquet", "application/octet-stream", parquet));
        assertEquals(400, refused.status(), refused.text());
        assertTrue(refused.text().contains("the Parquet file is not a readable Parquet file"), refused.text());
    }
}
