package org.tabserve.rows.arrow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.tabserve.rows.RowFormat;
import org.tabserve.rows.RowsFixtures;
import org.tabserve.rows.field.RowsException;
import org.tabserve.rows.read.RowsReader;

/**
 * A body that is another format than the one it was sent as is refused as malformed (HTTP 400), naming what it looks
 * like and the way on: pandas' Feather V1 (made by {@code fixtures/make_feather_v1.py}), Parquet sent as Arrow and
 * Arrow as Parquet, gzip, text. Before, Feather V1 and text sent as Arrow were a 413 about an 800 MB message header.
 */
class ForeignFormatsTest {

    private static final Path FEATHER_V1 = Path.of("src/test/resources/org/tabserve/fixtures/feather/notes-v1.feather");
    private static final Path PARQUET = Path.of("src/test/resources/parquet/banknotes.snappy.parquet");

    private static RowsException refusedAs(RowFormat format, byte[] body) {
        RowsReader reader = format.reader(RowsFixtures.SIGNATURE, 100);
        return assertThrows(RowsException.class, () -> reader.validate(new ByteArrayInputStream(body)));
    }

    @Test
    void featherV1IsNamedWithTheWayToWriteFeatherV2() throws IOException {
        byte[] feather = Files.readAllBytes(FEATHER_V1);
        for (RowFormat format : new RowFormat[] {RowFormat.ARROW, RowFormat.PARQUET}) {
            RowsException refused = refusedAs(format, feather);
            assertEquals(RowsException.Kind.MALFORMED, refused.kind(), refused.getMessage());
            assertTrue(refused.getMessage().contains("it begins like a Feather V1 file (FEA1)"), refused.getMessage());
            assertTrue(refused.getMessage().contains("write Feather V2"), refused.getMessage());
        }
    }

    @Test
    void parquetSentAsArrowAndArrowSentAsParquetAreNamed() throws IOException {
        RowsException parquet = refusedAs(RowFormat.ARROW, Files.readAllBytes(PARQUET));
        assertEquals(RowsException.Kind.MALFORMED, parquet.kind());
        assertTrue(
                parquet.getMessage().contains("is not an Arrow IPC stream: it begins like a Parquet file (PAR1)"),
                parquet.getMessage());

        byte[] stream = {-1, -1, -1, -1, 16, 0, 0, 0, 12, 0, 0, 0, 0, 0, 0, 0}; // how every Arrow stream begins
        RowsException arrow = refusedAs(RowFormat.PARQUET, stream);
        assertTrue(
                arrow.getMessage().contains("is not a Parquet file: it begins like an Arrow IPC stream"),
                arrow.getMessage());
    }

    @Test
    void gzipAndTextSentAsArrowAreNamed() throws IOException {
        byte[] csv = "variance,skewness,curtosis,entropy\n1,2,3,4\n".getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream zipped = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(zipped)) {
            gzip.write(csv);
        }
        assertTrue(
                refusedAs(RowFormat.ARROW, zipped.toByteArray()).getMessage().contains("it begins like a gzip file"));
        RowsException text = refusedAs(RowFormat.ARROW, csv);
        assertEquals(RowsException.Kind.MALFORMED, text.kind());
        assertTrue(text.getMessage().contains("it begins like text (a CSV or JSON?)"), text.getMessage());
    }
}
