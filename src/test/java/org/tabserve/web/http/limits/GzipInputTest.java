package org.tabserve.web.http.limits;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.tabserve.web.http.HttpProblem;
import org.tabserve.web.http.WebConfig;

/** Inflating what clients send: the limit holds for the inflated bytes, and broken gzip is the client's 400. */
public class GzipInputTest {

    public static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static final byte[] CSV = "a,b\n1,2\n".getBytes(StandardCharsets.UTF_8);

    @Test
    void aGzipUploadIsInflatedWhetherItsNameOrItsFirstBytesSaySo() throws IOException {
        assertArrayEquals(
                CSV,
                GzipInput.upload(new ByteArrayInputStream(gzip(CSV)), "notes.csv.GZ", 100)
                        .readAllBytes());
        assertArrayEquals(
                CSV,
                GzipInput.upload(new ByteArrayInputStream(gzip(CSV)), "notes.csv", 100)
                        .readAllBytes());
        assertArrayEquals(
                CSV,
                GzipInput.upload(new ByteArrayInputStream(CSV), "notes.csv", 100)
                        .readAllBytes(),
                "a plain file is read as it is");
    }

    @Test
    void aBombStopsAtTheLimitOfInflatedBytesWith413() throws IOException {
        byte[] bomb = gzip(new byte[64 << 20]);
        assertTrue(bomb.length < 100_000, bomb.length + " bytes");
        InputStream in = GzipInput.upload(new ByteArrayInputStream(bomb), "bomb.csv.gz", 1 << 20);
        HttpProblem problem = assertThrows(HttpProblem.class, () -> in.transferTo(OutputStreamNowhere.INSTANCE));
        assertEquals(413, problem.status());
        assertEquals(
                "the file inflated is larger than the limit of 1048576 bytes; "
                        + WebConfig.raisedBy(WebConfig.MAX_UPLOAD_BYTES),
                problem.detail());
    }

    @Test
    void corruptTruncatedOrNonGzipDataIsA400SayingWhatIsWrongWithIt() {
        byte[] whole = gzip(CSV);
        byte[] flipped = whole.clone();
        flipped[10] = (byte) 0xff; // the first deflate block's header: a block type that does not exist
        List<byte[]> broken = List.of(Arrays.copyOf(whole, whole.length - 6), flipped, CSV, new byte[0]);
        List<String> reasons =
                List.of("ends before it is complete", "corrupt", "not gzip", "ends before it is complete");
        for (int i = 0; i < broken.size(); i++) {
            byte[] data = broken.get(i);
            HttpProblem problem = assertThrows(
                    HttpProblem.class,
                    () -> GzipInput.upload(new ByteArrayInputStream(data), "x.csv.gz", 1 << 20)
                            .readAllBytes());
            assertEquals(400, problem.status());
            assertTrue(
                    problem.detail().startsWith("the gzip-compressed data could not be inflated: ")
                            && problem.detail().contains(reasons.get(i)),
                    problem.detail());
        }
    }

    @Test
    void aClientThatHangsUpFailsAsItsOwnBodyDoesNotAsCorruptGzip() {
        IOException hangUp = new java.io.EOFException("early EOF");
        byte[] whole = gzip(CSV);
        InputStream cut = new InputStream() {
            private int at;

            @Override
            public int read() throws IOException {
                if (at == 15) {
                    throw hangUp;
                }
                return whole[at++] & 0xff;
            }
        };
        IOException failure = assertThrows(IOException.class, () -> new GzipInput(cut).readAllBytes());
        assertSame(hangUp, failure);
    }

    @Test
    void onlyGzipIsTakenAndNeverForBodiesTheContainerParsesItself() {
        assertNull(RequestEncodingFilter.refusal(List.of("gzip"), "application/json"));
        assertNull(RequestEncodingFilter.refusal(List.of("x-gzip"), null));
        HttpProblem br = RequestEncodingFilter.refusal(List.of("br"), "application/json");
        assertEquals(415, br.status());
        assertTrue(br.detail().startsWith("Content-Encoding br is not supported"), br.detail());
        assertEquals(
                415,
                RequestEncodingFilter.refusal(List.of("gzip", "gzip"), "application/json")
                        .status());
        HttpProblem multipart = RequestEncodingFilter.refusal(List.of("gzip"), "multipart/form-data; boundary=x");
        assertTrue(
                multipart.detail().contains("a gzip-encoded multipart/form-data body cannot be read"),
                multipart.detail());
    }

    /** Drops what it is given. */
    private static final class OutputStreamNowhere extends java.io.OutputStream {
        static final OutputStreamNowhere INSTANCE = new OutputStreamNowhere();

        @Override
        public void write(int b) {}

        @Override
        public void write(byte[] b, int off, int len) {}
    }
}
