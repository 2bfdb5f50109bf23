package org.tabserve.rows.arrow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.tabserve.model.answer.AnswerColumn;
import org.tabserve.model.answer.AnswerShape;
import org.tabserve.model.signature.RangeWarning;
import org.tabserve.rows.RowFormat;
import org.tabserve.rows.RowsFixtures;
import org.tabserve.rows.field.FieldProblem;
import org.tabserve.rows.field.OnError;
import org.tabserve.rows.field.RowPlace;
import org.tabserve.rows.field.RowsException;
import org.tabserve.rows.read.RowChunk;
import org.tabserve.rows.read.RowsReader;
import org.tabserve.rows.write.CsvAnswer;
import org.tabserve.rows.write.RowsWriter;
import org.tabserve.testing.TableFiles;

/**
 * The Arrow IPC stream reader and writer: typed columns read into the model's values with no text in between (floats,
 * integers, booleans, utf8, dictionaries, nulls and NaN as missing, a number for a text input taken as its text with a
 * warning), and every hostile stream refused in words before its body is read or allocated: a batch declaring 2^31
 * rows, a 1 GB body, a buffer past its body, a compressed body, a huge header, memory the budget refuses.
 */
class ArrowRowsReaderTest {

    private final BufferAllocator allocator = new RootAllocator();
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable closeable : open) {
            closeable.close();
        }
        allocator.close();
    }

    @Test
    void numberColumnsOfEveryWidthAreReadAsTheirValuesAndOtherColumnsIgnored() throws IOException {
        byte[] stream = TableFiles.write(
                root(
                        doubles("variance", 3.6216, -1.5),
                        floats("skewness", 8.6661f, 2.25f),
                        longs("curtosis", -2, 7),
                        doubles("entropy", -0.44699, 0.125),
                        texts("note", "a", null)),
                List.of());
        ArrowRowsReader reader = new ArrowRowsReader(RowsFixtures.SIGNATURE, 100);
        List<RowChunk> chunks = reader.readAll(new ByteArrayInputStream(stream));
        assertEquals(1, chunks.size());
        double[][] rows = chunks.get(0).numbers();
        assertArrayEquals(new double[] {3.6216, 8.6661f, -2, -0.44699}, rows[0]);
        assertArrayEquals(new double[] {-1.5, 2.25, 7, 0.125}, rows[1]);
        assertEquals(List.of("note"), reader.ignoredColumns());
        assertEquals(2, reader.rowsRead());
    }

    @Test
    void aMissingNumberRefusesTheStreamNamingItsRowAndFeatureAndInPlaceModeTellsItThere() throws IOException {
        byte[] stream = TableFiles.write(
                root(
                        doubles("variance", 1.0, null),
                        doubles("skewness", 1.0, 2.0),
                        doubles("curtosis", 1.0, Double.NaN),
                        doubles("entropy", 1.0, 2.0)),
                List.of());
        RowsException refused = assertThrows(
                RowsException.class,
                () -> new ArrowRowsReader(RowsFixtures.SIGNATURE, 100).validate(new ByteArrayInputStream(stream)));
        assertEquals(RowsException.Kind.INVALID_FIELDS, refused.kind());
        assertEquals(
                List.of(
                        new FieldProblem("variance", "missing value for 'variance'", 1),
                        new FieldProblem("curtosis", "missing value for 'curtosis'", 1)),
                refused.errors(),
                "the second row, counted from 0, in the words of every format");

        RowsReader inPlace = new ArrowRowsReader(RowsFixtures.SIGNATURE, 100).onError(OnError.ROW);
        List<RowPlace> places =
                inPlace.readAll(new ByteArrayInputStream(stream)).get(0).places();
        assertTrue(places.get(0).isScored());
        assertFalse(places.get(1).isScored());
        assertEquals(
                List.of("variance", "curtosis"),
                places.get(1).problems().stream().map(FieldProblem::field).toList());
    }

    @Test
    void typedColumnsUtf8DictionariesBooleansAndNullsAreTheModelsValues() throws IOException {
        VarCharVector sexes = texts("sexes", "FEMALE", "MALE");
        Dictionary dictionary = new Dictionary(sexes, new DictionaryEncoding(7, false, null));
        IntVector sex = new IntVector(
                new Field("sex", new FieldType(true, new ArrowType.Int(32, true), dictionary.getEncoding()), null),
                allocator);
        open.add(sex);
        sex.allocateNew(3);
        sex.set(0, 1);
        sex.set(1, 0);
        sex.set(2, 1);
        sex.setValueCount(3);
        byte[] stream = TableFiles.write(
                root(
                        texts("island", "Biscoe", "Dream", "Biscoe"),
                        sex,
                        ints("count", 3, 4, 5),
                        floats("mass", 3750f, null, Float.NaN),
                        bits("adult", true, false, true)),
                List.of(dictionary));
        List<RowChunk> chunks =
                new ArrowRowsReader(RowsFixtures.TYPED_CELLS, 100).readAll(new ByteArrayInputStream(stream));
        List<Object[]> cells = chunks.get(0).cells();
        assertEquals(List.of("Biscoe", "MALE", 3L, 3750.0, true), Arrays.asList(cells.get(0)));
        assertEquals(Arrays.asList("Dream", "FEMALE", 4L, null, false), Arrays.asList(cells.get(1)));
        assertNull(cells.get(2)[3], "NaN, pandas' missing number, is missing");
    }

    @Test
    void aNumberColumnForATextInputIsTakenAsItsTextAndToldOnce() throws IOException {
        byte[] stream = TableFiles.write(
                root(
                        longs("island", 1, 2),
                        texts("sex", "MALE", "FEMALE"),
                        ints("count", 3, 4),
                        floats("mass", 3750f, 3800f),
                        bits("adult", true, false)),
                List.of());
        ArrowRowsReader reader = new ArrowRowsReader(RowsFixtures.TYPED_CELLS, 100);
        List<Object[]> cells =
                reader.readAll(new ByteArrayInputStream(stream)).get(0).cells();
        assertEquals("1", cells.get(0)[0]);
        assertEquals("2", cells.get(1)[0]);
        List<RangeWarning> warnings = reader.requestWarnings();
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).message().contains("'island' is a text input"), warnings.toString());
    }

    @Test
    void aBatchDeclaring2To31RowsIsRefusedInWordsUnread() throws IOException {
        CountingInput in = hostile(TableFiles.batchHeader(1L << 31, 64, 8, false));
        RowsException refused = assertThrows(RowsException.class, () -> reader().validate(in));
        assertEquals(RowsException.Kind.TOO_LARGE, refused.kind());
        assertTrue(refused.getMessage().contains("declares 2147483648 rows"), refused.getMessage());
        assertEquals(in.size, in.read, "the header alone was read: no body follows it");
    }

    @Test
    void aBatchPastTheRowLimitIsRefusedBeforeItsBodyIsRead() throws IOException {
        CountingInput in = hostile(TableFiles.batchHeader(101, 808, 808, false));
        RowsException refused = assertThrows(RowsException.class, () -> reader().validate(in));
        assertEquals(RowsException.Kind.TOO_MANY_ROWS, refused.kind());
        assertTrue(refused.getMessage().contains("more than 100 data rows"), refused.getMessage());
    }

    @Test
    void aGigabyteBodyOrABufferPastItsBodyIsRefusedInWordsUnread() throws IOException {
        CountingInput gigabyte = hostile(TableFiles.batchHeader(10, 1L << 30, 1L << 30, false));
        RowsException large = assertThrows(RowsException.class, () -> reader().validate(gigabyte));
        assertEquals(RowsException.Kind.TOO_LARGE, large.kind());
        assertTrue(large.getMessage().contains("a batch of 1073741824 bytes"), large.getMessage());
        assertEquals(gigabyte.size, gigabyte.read);

        CountingInput past = hostile(TableFiles.batchHeader(10, 80, 1L << 30, false));
        RowsException malformed = assertThrows(RowsException.class, () -> reader().validate(past));
        assertEquals(RowsException.Kind.MALFORMED, malformed.kind());
        assertTrue(
                malformed.getMessage().contains("reaches past the batch's body of 80 bytes"), malformed.getMessage());
    }

    @Test
    void aZstdBodyIsRefusedWithTheWayToSendItUncompressedOrInLz4() throws IOException {
        CountingInput in = hostile(TableFiles.batchHeader(10, 80, 80, org.apache.arrow.flatbuf.CompressionType.ZSTD));
        RowsException refused = assertThrows(RowsException.class, () -> reader().validate(in));
        assertTrue(
                refused.getMessage()
                        .contains(
                                "is compressed with ZSTD; an Arrow stream is read uncompressed or" + " LZ4-compressed"),
                refused.getMessage());
    }

    @Test
    void aHugeMessageHeaderAndANonArrowBodyAreRefusedBeforeTheHeapHoldsThem() {
        byte[] huge = {-1, -1, -1, -1, -1, -1, -1, 0x7f};
        RowsException header =
                assertThrows(RowsException.class, () -> reader().validate(new ByteArrayInputStream(huge)));
        assertTrue(header.getMessage().contains("message header of 2147483647 bytes"), header.getMessage());

        byte[] csv = "variance,skewness,curtosis,entropy\n1,2,3,4\n".getBytes(StandardCharsets.UTF_8);
        RowsException notArrow =
                assertThrows(RowsException.class, () -> reader().validate(new ByteArrayInputStream(csv)));
        assertEquals(RowsException.Kind.MALFORMED, notArrow.kind());
        assertTrue(
                notArrow.getMessage().contains("is not an Arrow IPC stream: it begins like text"),
                notArrow.getMessage());
    }

    @Test
    void aStreamCutShortIsRefusedAsUnreadable() throws IOException {
        byte[] stream = TableFiles.write(
                root(
                        doubles("variance", 1.0),
                        doubles("skewness", 1.0),
                        doubles("curtosis", 1.0),
                        doubles("entropy", 1.0)),
                List.of());
        byte[] cut = Arrays.copyOf(stream, stream.length - 20);
        RowsException refused =
                assertThrows(RowsException.class, () -> reader().validate(new ByteArrayInputStream(cut)));
        assertEquals(RowsException.Kind.MALFORMED, refused.kind());
        assertTrue(
                refused.getMessage().startsWith("the Arrow stream is not a readable Arrow IPC stream"),
                refused.getMessage());
    }

    @Test
    void theBodyIsReservedFromTheBudgetBeforeItIsReadAndOnceForACheckAndTheAnswersPass() throws IOException {
        byte[] stream = TableFiles.write(
                root(
                        doubles("variance", 1.0, 2.0),
                        doubles("skewness", 1.0, 2.0),
                        doubles("curtosis", 1.0, 2.0),
                        doubles("entropy", 1.0, 2.0)),
                List.of());
        List<Long> grown = new ArrayList<>();
        RowsReader reader = reader().reservingRowMemory(grown::add);
        reader.validate(new ByteArrayInputStream(stream));
        reader.forEachChunk(new ByteArrayInputStream(stream), chunk -> {});
        assertEquals(1, grown.size(), "the pass after the check takes nothing more: " + grown);
        reader.validate(new ByteArrayInputStream(stream));
        assertEquals(2, grown.size(), "a check starts afresh (what it held may have been given back): " + grown);
        assertEquals(grown.get(0), grown.get(1));
        assertTrue(grown.get(0) >= 4 * 16, "the body of four columns of two doubles: " + grown);

        CountingInput counted = new CountingInput(stream);
        RowsReader refusing = reader().reservingRowMemory(bytes -> {
            throw new NoRoom("no room for " + bytes + " bytes");
        });
        NoRoom busy = assertThrows(NoRoom.class, () -> refusing.validate(counted));
        assertTrue(busy.getMessage().startsWith("no room for"), busy.getMessage());
        assertTrue(counted.read < stream.length - 4 * 16, "the body was not read: " + counted.read);
    }

    @Test
    void theWriterAnswersTypedColumnsThatArrowReadsBack() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (RowsWriter writer = RowFormat.ARROW.writer(out)) {
            writer.columns(
                    List.of("island"),
                    AnswerColumn.tableColumns(new AnswerShape(List.of("a", "b"), false, false, false), true),
                    null);
            writer.row(List.of("Biscoe"), List.of("a", 0.75, 0.25, ""));
            writer.row(List.of(""), List.of("", "", "", "'sex' is missing"));
        }
        try (ArrowStreamReader reader = new ArrowStreamReader(
                new ArrowMessages(
                        new ByteArrayInputStream(out.toByteArray()), allocator, (b, d) -> {}, 10, "the answer"),
                allocator)) {
            assertTrue(reader.loadNextBatch());
            VectorSchemaRoot root = reader.getVectorSchemaRoot();
            assertEquals(2, root.getRowCount());
            assertEquals(
                    new ArrowType.Utf8(), root.getVector("label").getField().getType());
            assertEquals(0.75, ((Float8Vector) root.getVector("probability_a")).get(0));
            assertTrue(root.getVector("probability_a").isNull(1));
            assertTrue(root.getVector("island").isNull(1));
            assertEquals(
                    "'sex' is missing",
                    root.getVector(CsvAnswer.ERROR_COLUMN).getObject(1).toString());
            assertTrue(root.getVector(CsvAnswer.ERROR_COLUMN).isNull(0));
            assertFalse(reader.loadNextBatch());
        }
    }

    @Test
    void anArrowInputsColumnsAreEchoedWithTheirTypesInAnArrowAnswerAndAsTextInOthers() throws IOException {
        byte[] stream = TableFiles.write(
                root(
                        doubles("variance", 3.6216, null),
                        floats("skewness", 8.6661f, 2.25f),
                        longs("curtosis", -2, 7),
                        doubles("entropy", -0.44699, 0.125)),
                List.of());
        List<List<String>> records = new ArrayList<>();
        new ArrowRowsReader(RowsFixtures.SIGNATURE, 100)
                .onError(OnError.ROW)
                .forEachChunk(new ByteArrayInputStream(stream), chunk -> {
                    records.addAll(chunk.records());
                    chunk.places().stream().filter(p -> !p.isScored()).forEach(p -> records.add(p.cells()));
                });
        assertEquals(List.of("3.6216", "8.6661", "-2", "-0.44699"), records.get(0), "a text format's cells");
        assertEquals(List.of("", "2.25", "7", "0.125"), records.get(1), "the refused row's cells");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (RowsWriter writer = RowFormat.ARROW.writer(out)) {
            writer.columns(
                    List.of("variance", "skewness", "curtosis", "entropy"),
                    AnswerColumn.tableColumns(new AnswerShape(null, false, false, false), false),
                    null);
            writer.row(records.get(0), List.of(0.5));
            writer.row(new ArrayList<>(records.get(1)), List.of("")); // as CsvAnswer echoes a refused row: text
        }
        try (ArrowStreamReader reader = new ArrowStreamReader(
                new ArrowMessages(new ByteArrayInputStream(out.toByteArray()), allocator, (b, d) -> {}, 10, "it"),
                allocator)) {
            assertTrue(reader.loadNextBatch());
            VectorSchemaRoot root = reader.getVectorSchemaRoot();
            assertEquals(3.6216, ((Float8Vector) root.getVector("variance")).get(0));
            assertTrue(root.getVector("variance").isNull(1));
            assertEquals(8.6661f, ((Float4Vector) root.getVector("skewness")).get(0));
            assertEquals(7L, ((BigIntVector) root.getVector("curtosis")).get(1));
            assertEquals(0.125, ((Float8Vector) root.getVector("entropy")).get(1));
        }
    }

    private static ArrowRowsReader reader() {
        return new ArrowRowsReader(RowsFixtures.SIGNATURE, 100);
    }

    /** The schema of the bank-note model's four float columns, then the hostile batch header, and nothing else. */
    private static CountingInput hostile(byte[] header) throws IOException {
        ArrowType type = new ArrowType.FloatingPoint(org.apache.arrow.vector.types.FloatingPointPrecision.DOUBLE);
        Schema schema = new Schema(RowsFixtures.SIGNATURE.featureNames().stream()
                .map(name -> Field.nullable(name, type))
                .toList());
        return new CountingInput(TableFiles.concat(TableFiles.schema(schema), header));
    }

    /** The budget's refusal, passed on as it is. */
    private static final class NoRoom extends RuntimeException {
        NoRoom(String message) {
            super(message);
        }
    }

    /** Counts the bytes the reader took. */
    private static final class CountingInput extends InputStream {
        private final byte[] bytes;
        final int size;
        int read;

        CountingInput(byte[] bytes) {
            this.bytes = bytes;
            this.size = bytes.length;
        }

        @Override
        public int read() {
            return read < size ? bytes[read++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (read >= size) {
                return -1;
            }
            int n = Math.min(len, size - read);
            System.arraycopy(bytes, read, b, off, n);
            read += n;
            return n;
        }
    }

    private VectorSchemaRoot root(FieldVector... vectors) {
        int rows = vectors[0].getValueCount();
        List<Field> fields = Arrays.stream(vectors).map(FieldVector::getField).toList();
        VectorSchemaRoot root = new VectorSchemaRoot(fields, List.of(vectors), rows);
        return root;
    }

    private <T extends FieldVector> T keep(T vector) {
        open.add(vector);
        return vector;
    }

    private Float8Vector doubles(String name, Double... values) {
        Float8Vector vector = keep(new Float8Vector(name, allocator));
        vector.allocateNew(values.length);
        for (int i = 0; i < values.length; i++) {
            if (values[i] == null) {
                vector.setNull(i);
            } else {
                vector.set(i, values[i]);
            }
        }
        vector.setValueCount(values.length);
        return vector;
    }

    private Float4Vector floats(String name, Float... values) {
        Float4Vector vector = keep(new Float4Vector(name, allocator));
        vector.allocateNew(values.length);
        for (int i = 0; i < values.length; i++) {
            if (values[i] == null) {
                vector.setNull(i);
            } else {
                vector.set(i, values[i]);
            }
        }
        vector.setValueCount(values.length);
        return vector;
    }

    private BigIntVector longs(String name, long... values) {
        BigIntVector vector = keep(new BigIntVector(name, allocator));
        vector.allocateNew(values.length);
        for (int i = 0; i < values.length; i++) {
            vector.set(i, values[i]);
        }
        vector.setValueCount(values.length);
        return vector;
    }

    private IntVector ints(String name, int... values) {
        IntVector vector = keep(new IntVector(name, allocator));
        vector.allocateNew(values.length);
        for (int i = 0; i < values.length; i++) {
            vector.set(i, values[i]);
        }
        vector.setValueCount(values.length);
        return vector;
    }

    private BitVector bits(String name, boolean... values) {
        BitVector vector = keep(new BitVector(name, allocator));
        vector.allocateNew(values.length);
        for (int i = 0; i < values.length; i++) {
            vector.set(i, values[i] ? 1 : 0);
        }
        vector.setValueCount(values.length);
        return vector;
    }

    private VarCharVector texts(String name, String... values) {
        VarCharVector vector = keep(new VarCharVector(name, allocator));
        vector.allocateNew(values.length);
        for (int i = 0; i < values.length; i++) {
            if (values[i] == null) {
                vector.setNull(i);
            } else {
                vector.setSafe(i, values[i].getBytes(StandardCharsets.UTF_8));
            }
        }
        vector.setValueCount(values.length);
        return vector;
    }
}
