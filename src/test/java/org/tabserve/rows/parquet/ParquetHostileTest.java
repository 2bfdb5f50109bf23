package org.tabserve.rows.parquet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.format.CompressionCodec;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.junit.jupiter.api.Test;
import org.tabserve.model.Model;
import org.tabserve.model.onnx.OnnxModelLoader;
import org.tabserve.rows.RowFormat;
import org.tabserve.rows.field.RowsException;
import org.tabserve.rows.read.RowsReader;
import org.tabserve.testing.TableFiles;

/**
 * A hostile Parquet file is refused in words before parquet-java allocates what it claims: a file cut short, a footer
 * length past the file, a column chunk claiming 2 GB (which stops a JVM with the shipped flags when parquet-java is
 * left to allocate it), a footer claiming 2^31 rows, a page claiming more than a row group may inflate to, column
 * chunks held past the limit, and a codec not read.
 */
class ParquetHostileTest {

    private static RowsException refused(byte[] file) throws IOException {
        try (Model model = OnnxModelLoader.load(Path.of("model.onnx"))) {
            RowsReader reader = RowFormat.PARQUET.reader(model.signature(), Long.MAX_VALUE);
            return assertThrows(RowsException.class, () -> reader.validate(new ByteArrayInputStream(file)));
        }
    }

    private static byte[] notes() throws IOException {
        return Files.readAllBytes(TableFiles.NOTES_PARQUET);
    }

    @Test
    void aFileCutShortIsRefused() throws IOException {
        byte[] file = notes();
        RowsException e = refused(Arrays.copyOf(file, file.length / 2));
        assertTrue(
                e.getMessage()
                        .startsWith("the Parquet file is not a readable Parquet file: it is not a Parquet" + " file"),
                e.getMessage());
    }

    @Test
    void aFooterLengthPastTheFileIsRefused() throws IOException {
        byte[] file = notes();
        ByteBuffer.wrap(file, file.length - 8, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(0x7ffffff0);
        RowsException e = refused(file);
        assertTrue(e.getMessage().contains("footer"), e.getMessage());
    }

    @Test
    void aColumnChunkClaimingTwoGigabytesIsRefusedBeforeItIsAllocated() throws IOException {
        byte[] file = TableFiles.withFooter(
                notes(),
                footer -> footer.getRow_groups()
                        .get(0)
                        .getColumns()
                        .get(0)
                        .getMeta_data()
                        .setTotal_compressed_size(0x7fff0000L));
        RowsException e = refused(file);
        assertTrue(
                e.getMessage()
                        .startsWith("the Parquet file's footer puts the column 'variance' at bytes 4 to 2147418116"),
                e.getMessage());
    }

    @Test
    void aFooterClaimingTwoToTheThirtyOneRowsIsRefusedWhereTheValuesEnd() throws IOException {
        byte[] file = TableFiles.withFooter(notes(), footer -> {
            footer.setNum_rows(1L << 31);
            footer.getRow_groups().get(0).setNum_rows(1L << 31);
        });
        RowsException e = refused(file);
        assertTrue(e.getMessage().startsWith("the Parquet file is not a readable Parquet file: "), e.getMessage());
    }

    @Test
    void aCodecNotReadIsRefusedNamingTheColumn() throws IOException {
        byte[] file = TableFiles.withFooter(
                notes(),
                footer -> footer.getRow_groups()
                        .get(0)
                        .getColumns()
                        .get(1)
                        .getMeta_data()
                        .setCodec(CompressionCodec.ZSTD));
        RowsException e = refused(file);
        assertEquals(
                "the Parquet file's column 'skewness' is compressed with ZSTD; tabserve reads Snappy, gzip or"
                        + " uncompressed Parquet (pandas: to_parquet(path, compression=\"snappy\"))",
                e.getMessage());
    }

    @Test
    void aPageClaimingMoreThanARowGroupMayInflateToIsRefusedBeforeItIsInflated() {
        ParquetCodecs codecs = new ParquetCodecs();
        RowsException e = assertThrows(
                RowsException.class,
                () -> codecs.getDecompressor(CompressionCodecName.GZIP)
                        .decompress(BytesInput.from(new byte[10]), Integer.MAX_VALUE - 16));
        assertEquals(RowsException.Kind.TOO_LARGE, e.kind());
    }

    @Test
    void columnChunksHeldPastTheLimitAreRefusedAndReservedUpToIt() {
        long[] held = {0};
        ParquetMemory memory = new ParquetMemory(bytes -> held[0] = bytes);
        memory.allocate((int) (ParquetMemory.LIMIT / 2));
        RowsException e = assertThrows(RowsException.class, () -> memory.allocate((int) (ParquetMemory.LIMIT / 2) + 1));
        assertEquals(RowsException.Kind.TOO_LARGE, e.kind());
        assertEquals(ParquetMemory.LIMIT / 2, held[0]);
    }

    @Test
    void aReadReservesTheChunksAndThePagesTheyInflateTo() throws IOException {
        long[] reserved = {0};
        try (Model model = OnnxModelLoader.load(Path.of("model.onnx"))) {
            RowsReader reader = RowFormat.PARQUET
                    .reader(model.signature(), Long.MAX_VALUE)
                    .reservingRowMemory(bytes -> reserved[0] += bytes);
            reader.validate(new ByteArrayInputStream(notes()));
        }
        // 1,372 rows of four doubles and an int32 inflate to at least 49,392 bytes, more than the whole file holds.
        assertTrue(reserved[0] >= 1372 * 36L, reserved[0] + " bytes reserved");
        assertTrue(reserved[0] > Files.size(TableFiles.NOTES_PARQUET), reserved[0] + " bytes reserved");
    }
}
