package org.tabserve.rows.parquet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.junit.jupiter.api.Test;
import org.tabserve.rows.field.RowsException;
import org.xerial.snappy.Snappy;

/**
 * A compressed Parquet page is metered by the size its header declares before it is inflated, and inflates to exactly
 * that size: a page declaring 100 bytes that inflates to 64 MiB (a zip bomb, gzip or Snappy) is refused in words
 * having inflated at most one byte past its declaration, and a page declaring more than a row group may hold is
 * refused before any inflating.
 */
class ParquetInflationTest {

    private static final int BOMB = 64 << 20;

    private static byte[] gzip(byte[] plain) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(plain);
        }
        return out.toByteArray();
    }

    @Test
    void aGzipPageInflatingPastItsDeclaredSizeIsRefusedUnread() throws IOException {
        byte[] bomb = gzip(new byte[BOMB]);
        assertTrue(bomb.length < 100_000, "64 MiB of zeros gzip to " + bomb.length + " bytes");
        List<Long> metered = new ArrayList<>();
        ParquetCodecs codecs = new ParquetCodecs(metered::add);
        IOException e = assertThrows(
                IOException.class,
                () -> codecs.getDecompressor(CompressionCodecName.GZIP).decompress(BytesInput.from(bomb), 100));
        assertEquals("a gzip page inflates to more than the 100 bytes it declares", e.getMessage());
        assertEquals(List.of(100L), metered, "the declared size was metered before inflating");
    }

    @Test
    void aSnappyPageDeclaringLessThanItInflatesToIsRefusedBeforeInflating() throws IOException {
        byte[] bomb = Snappy.compress(new byte[BOMB]);
        ParquetCodecs codecs = new ParquetCodecs(held -> {});
        IOException e = assertThrows(
                IOException.class,
                () -> codecs.getDecompressor(CompressionCodecName.SNAPPY).decompress(BytesInput.from(bomb), 100));
        assertEquals("a Snappy page does not inflate to the 100 bytes it declares", e.getMessage());
    }

    @Test
    void aPageDeclaringMoreThanARowGroupMayHoldIsRefusedBeforeInflating() throws IOException {
        ParquetCodecs codecs = new ParquetCodecs(held -> {});
        RowsException e = assertThrows(
                RowsException.class,
                () -> codecs.getDecompressor(CompressionCodecName.GZIP)
                        .decompress(BytesInput.from(gzip(new byte[10])), Integer.MAX_VALUE));
        assertTrue(
                e.getMessage().startsWith("the Parquet file's pages of one row group inflate to more than"),
                e.getMessage());
    }

    @Test
    void aPageOfItsDeclaredSizeInflates() throws IOException {
        byte[] plain = "bank notes".repeat(100).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        ParquetCodecs codecs = new ParquetCodecs(held -> {});
        assertArrayEquals(
                plain,
                codecs.getDecompressor(CompressionCodecName.GZIP)
                        .decompress(BytesInput.from(gzip(plain)), plain.length)
                        .toByteArray());
    }
}
