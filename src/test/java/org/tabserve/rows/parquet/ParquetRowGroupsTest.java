package org.tabserve.rows.parquet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongConsumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tabserve.model.signature.Batch;
import org.tabserve.rows.RowFormat;
import org.tabserve.rows.RowsFixtures;
import org.tabserve.rows.field.RowsException;
import org.tabserve.rows.read.RowChunk;
import org.tabserve.rows.read.RowsReader;
import org.tabserve.testing.TableFiles;

/**
 * Issue 61, finding 7: a legitimate Parquet file of 200,000 rows in many small row groups is read one row group at a
 * time within a request's memory budget, into the same values as the same rows sent as CSV; what the budget refuses
 * is passed on as the budget said it (a 413 or 503), never as a file that is not readable; a footer past the limit
 * read is a 413 naming it; and a file that does not begin with Parquet's "PAR1" is refused as one that does not end
 * with it is.
 */
class ParquetRowGroupsTest {

    private static final int ROWS = 200_000;
    /** Row groups of about 32 KB: some 220 of them, of about 900 rows each. */
    private static final long ROW_GROUP_BYTES = 32 << 10;
    /** A request's budget smaller than the file: enough for one row group at a time, not for all of them. */
    private static final long BUDGET = 4L << 20;

    private static byte[] parquet;

    @BeforeAll
    static void writeTheFile() throws IOException {
        parquet = TableFiles.notesInRowGroups(ROWS, ROW_GROUP_BYTES);
    }

    /** A request's memory budget as serving's is: more than its capacity is refused with an exception of its own. */
    private static final class Budget implements LongConsumer {
        static final class Refused extends RuntimeException {
            Refused() {
                super("the request needs more memory than this server gives one request");
            }
        }

        private final long capacity;
        private long held;
        private Refused refused;

        Budget(long capacity) {
            this.capacity = capacity;
        }

        @Override
        public void accept(long bytes) {
            if (held + bytes > capacity) {
                refused = new Refused();
                throw refused;
            }
            held += bytes;
        }
    }

    private static List<double[]> rows(RowFormat format, byte[] file, LongConsumer budget) throws IOException {
        List<double[]> rows = new ArrayList<>();
        RowsReader reader =
                format.reader(RowsFixtures.SIGNATURE, Long.MAX_VALUE).reservingRowMemory(budget);
        reader.validate(new ByteArrayInputStream(file));
        reader.forEachChunk(new ByteArrayInputStream(file), chunk -> {
            Batch batch = chunk.batch();
            for (int r = 0; r < batch.size(); r++) {
                rows.add(batch.numbers(r));
            }
        });
        return rows;
    }

    @Test
    void twoHundredThousandRowsInManySmallRowGroupsAreReadWithinTheBudgetAsTheSameRowsInCsv() throws IOException {
        assertTrue(parquet.length > BUDGET, parquet.length + " bytes");
        assertTrue(TableFiles.rowGroups(parquet) > 100, TableFiles.rowGroups(parquet) + " row groups");
        Budget budget = new Budget(BUDGET);
        List<double[]> read = rows(RowFormat.PARQUET, parquet, budget);
        List<double[]> csv = rows(RowFormat.CSV, TableFiles.notesCsv(ROWS), bytes -> {});
        assertEquals(ROWS, read.size());
        assertEquals(ROWS, csv.size());
        for (int r = 0; r < ROWS; r++) {
            assertArrayEquals(csv.get(r), read.get(r), "row " + (r + 1));
        }
        // The footer's heap and a row group's chunks and pages, not the file's 7 MB of chunks at once.
        assertTrue(budget.held < BUDGET / 2, budget.held + " bytes reserved");
    }

    @Test
    void whatTheBudgetRefusesIsPassedOnAsTheBudgetSaidItNeverAsAnUnreadableFile() {
        Budget budget = new Budget(64 << 10);
        RowsReader reader =
                RowFormat.PARQUET.reader(RowsFixtures.SIGNATURE, Long.MAX_VALUE).reservingRowMemory(budget);
        RuntimeException e =
                assertThrows(RuntimeException.class, () -> reader.validate(new ByteArrayInputStream(parquet)));
        assertSame(budget.refused, e, e.toString());
    }

    @Test
    void aFooterPastTheLimitReadIsA413NamingIt() {
        // "PAR1", the footer's claimed bytes (zeros: it is refused before it is read), its length and "PAR1".
        int footer = (int) ParquetRowsReader.MAX_FOOTER_BYTES + 1;
        byte[] file = new byte[4 + footer + 8];
        byte[] magic = "PAR1".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(magic, 0, file, 0, 4);
        java.nio.ByteBuffer.wrap(file, file.length - 8, 4)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .putInt(footer);
        System.arraycopy(magic, 0, file, file.length - 4, 4);
        RowsReader reader = RowFormat.PARQUET.reader(RowsFixtures.SIGNATURE, Long.MAX_VALUE);
        RowsException e = assertThrows(RowsException.class, () -> reader.validate(new ByteArrayInputStream(file)));
        assertEquals(RowsException.Kind.TOO_LARGE, e.kind());
        assertEquals(
                "the Parquet file's footer (the description of its row groups) is 16777217 bytes; tabserve reads"
                        + " footers of at most 16777216 bytes: write the file in fewer, larger row groups (pyarrow:"
                        + " write_table(..., row_group_size=100_000))",
                e.getMessage());
    }

    @Test
    void aFileThatDoesNotBeginWithParquetsMagicIsRefusedAsOneThatDoesNotEndWithItIs() throws IOException {
        byte[] file = TableFiles.notesInRowGroups(1_000, 1 << 20);
        byte[] wrongStart = Arrays.copyOf(file, file.length);
        wrongStart[3] = '2';
        byte[] wrongEnd = Arrays.copyOf(file, file.length);
        wrongEnd[file.length - 1] = '2';
        RowsReader reader = RowFormat.PARQUET.reader(RowsFixtures.SIGNATURE, Long.MAX_VALUE);
        assertEquals(
                1_000,
                reader.readAll(new ByteArrayInputStream(file)).stream()
                        .mapToInt(RowChunk::size)
                        .sum());
        RowsException start =
                assertThrows(RowsException.class, () -> reader.validate(new ByteArrayInputStream(wrongStart)));
        RowsException end =
                assertThrows(RowsException.class, () -> reader.validate(new ByteArrayInputStream(wrongEnd)));
        assertEquals(RowsException.Kind.MALFORMED, start.kind());
        assertEquals(RowsException.Kind.MALFORMED, end.kind());
        assertEquals(
                "the Parquet file is not a readable Parquet file: it does not begin with \"PAR1\" as every Parquet"
                        + " file begins and ends (its first bytes are 50 41 52 32)",
                start.getMessage());
        assertTrue(end.getMessage().startsWith("the Parquet file is not a readable Parquet file: "), end.getMessage());
    }
}
