package org.tabserve.rows.write;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.ipc.WriteChannel;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.IpcOption;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.tabserve.model.answer.AnswerColumn;
import org.tabserve.model.answer.AnswerSource;
import org.tabserve.model.signature.Prediction;
import org.tabserve.model.signature.PredictionColumns;
import org.tabserve.rows.arrow.ArrowMemory;
import org.tabserve.rows.arrow.ArrowRecord;
import org.tabserve.rows.field.NumberText;
import org.tabserve.rows.field.OnError;
import org.tabserve.rows.read.RowsReader;

/**
 * Arrow IPC stream's {@link RowsWriter}: the answer table as record batches of {@link RowsReader#CHUNK_ROWS} rows.
 * The input's columns keep an Arrow input's types ({@link ArrowRecord}: float, double, whole number, boolean; other
 * columns and every other format's cells as utf8); the answer's label,
 * prediction set, novelty flag and error are utf8, its probabilities, value, bounds, coverage and p-value float64,
 * and an empty cell (a bad row's) is null. Buffers are copied out through the heap, so writing needs no JVM flag.
 */
public final class ArrowRowsWriter implements RowsWriter {

    /** Arrow memory a batch being written may hold: a chunk of rows of a few hundred columns. */
    private static final long ALLOCATOR_LIMIT = 1L << 28;

    private final OutputStream out;
    private final WriteChannel channel;
    private final BufferAllocator allocator = ArrowMemory.allocator(ALLOCATOR_LIMIT);
    /** The table's columns, their types and the schema's metadata. */
    private TypedColumns columns;
    /** The labels' UTF-8 bytes, encoded once each. */
    private final java.util.Map<String, byte[]> labelBytes = new java.util.HashMap<>();
    /** The classes of the last chunk written from columns, and their UTF-8 bytes, by class index. */
    private List<String> classBytesOf;

    private byte[][] classBytes;
    /** Sets a chunk's numbers and labels in bulk. */
    private final ArrowColumnFill fill = new ArrowColumnFill();

    private VectorSchemaRoot root;
    private int rows;

    public ArrowRowsWriter(OutputStream out) {
        this.out = out;
        this.channel = new HeapWriteChannel(out);
    }

    @Override
    public void columns(List<String> input, List<AnswerColumn> answer, AnswerSource source) {
        this.columns = TypedColumns.of(input, answer, source);
    }

    @Override
    public void row(List<String> input, List<?> answer) throws IOException {
        if (root == null) {
            start(input);
        }
        List<FieldVector> vectors = root.getFieldVectors();
        int column = 0;
        ArrowRecord typed = input instanceof ArrowRecord record ? record : null;
        for (int i = 0; i < input.size(); i++) {
            set(vectors.get(column++), rows, typed != null ? typed.value(i) : input.get(i));
        }
        for (Object cell : answer) {
            set(vectors.get(column++), rows, cell);
        }
        rows++;
        if (rows == RowsReader.CHUNK_ROWS) {
            flush();
        }
    }

    /**
     * Sets a cell of the row being written by its column's type: a value as it is, text read as that type (a bad
     * row's echoed cells are text), null, empty text or text that is no such value as null.
     */
    private static void set(FieldVector vector, int rows, Object cell) {
        String text = cell instanceof String string ? string : null;
        if (cell == null || "".equals(text)) {
            vector.setNull(rows);
        } else if (vector instanceof VarCharVector utf8) {
            utf8.setSafe(rows, cell.toString().getBytes(StandardCharsets.UTF_8));
        } else if (vector instanceof BitVector bits) {
            Boolean value = cell instanceof Boolean b
                    ? b
                    : "true".equals(text) ? Boolean.TRUE : "false".equals(text) ? Boolean.FALSE : null;
            if (value == null) {
                bits.setNull(rows);
            } else {
                bits.setSafe(rows, value ? 1 : 0);
            }
        } else {
            Number number =
                    cell instanceof Number n ? n : NumberText.parse(text).orElse(null);
            if (number == null) {
                vector.setNull(rows);
            } else if (vector instanceof Float8Vector doubles) {
                doubles.setSafe(rows, number.doubleValue());
            } else if (vector instanceof Float4Vector floats) {
                floats.setSafe(rows, number.floatValue());
            } else {
                ((BigIntVector) vector).setSafe(rows, number.longValue());
            }
        }
    }

    /**
     * Starts the stream: its schema, the first columns the input's (typed as an Arrow input's were, else utf8), then
     * the answer's.
     */
    private void start(List<String> input) throws IOException {
        List<Field> fields = new ArrayList<>();
        for (int i = 0; i < columns.names().size(); i++) {
            ArrowType type;
            if (i < input.size()) {
                type = input instanceof ArrowRecord record ? type(record.kind(i)) : ArrowType.Utf8.INSTANCE;
            } else {
                type = columns.answerText(i, input.size()) ? ArrowType.Utf8.INSTANCE : type(ArrowRecord.Kind.FLOAT64);
            }
            fields.add(new Field(columns.names().get(i), FieldType.nullable(type), null));
        }
        root = VectorSchemaRoot.create(
                new Schema(fields, columns.metadata().isEmpty() ? null : columns.metadata()), allocator);
        root.allocateNew();
        MessageSerializer.serialize(channel, root.getSchema());
    }

    private static ArrowType type(ArrowRecord.Kind kind) {
        return switch (kind) {
            case FLOAT32 -> new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
            case FLOAT64 -> new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
            case INT64 -> new ArrowType.Int(64, true);
            case BOOL -> ArrowType.Bool.INSTANCE;
            case UTF8 -> ArrowType.Utf8.INSTANCE;
        };
    }

    /**
     * Writes a chunk's scored rows ({@link OnError#REJECT}, no uncertainty) as one record batch, column by column:
     * each input column from the rows' records (an Arrow input's cells set from its slice, unboxed), then the
     * label and each class's probability, or the value. The same cells as {@link #row} would write row by row.
     */
    void rows(List<List<String>> records, List<Prediction> predictions) throws IOException {
        int n = predictions.size();
        if (n == 0) {
            return;
        }
        if (root == null) {
            start(records.get(0));
        }
        if (rows > 0) {
            flush();
        }
        List<FieldVector> vectors = root.getFieldVectors();
        int inputs = records.get(0).size();
        for (int c = 0; c < inputs; c++) {
            FieldVector vector = vectors.get(c);
            if (echoedInBulk(vector, records, c, n)) {
                continue;
            }
            for (int r = 0; r < n; r++) {
                List<String> input = records.get(r);
                if (input instanceof ArrowRecord record) {
                    if (!record.setInto(c, vector, r)) {
                        set(vector, r, record.value(c));
                    }
                } else {
                    set(vector, r, input.get(c));
                }
            }
        }
        PredictionColumns columns = PredictionColumns.of(predictions);
        if (columns != null) {
            answerColumns(vectors, inputs, columns, n);
        } else if (predictions.get(0) instanceof Prediction.Classification first) {
            VarCharVector labels = (VarCharVector) vectors.get(inputs);
            for (int r = 0; r < n; r++) {
                String label = ((Prediction.Classification) predictions.get(r)).label();
                if (label == null) {
                    labels.setNull(r);
                } else {
                    labels.setSafe(r, labelBytes.computeIfAbsent(label, l -> l.getBytes(StandardCharsets.UTF_8)));
                }
            }
            for (int k = 0; k < first.probabilities().size(); k++) {
                Float8Vector probability = (Float8Vector) vectors.get(inputs + 1 + k);
                for (int r = 0; r < n; r++) {
                    Double p = ((Prediction.Classification) predictions.get(r))
                            .probabilities()
                            .get(k);
                    if (p == null) {
                        probability.setNull(r);
                    } else {
                        probability.setSafe(r, p);
                    }
                }
            }
        } else {
            Float8Vector value = (Float8Vector) vectors.get(inputs);
            for (int r = 0; r < n; r++) {
                value.setSafe(r, ((Prediction.Regression) predictions.get(r)).value());
            }
        }
        rows = n;
        flush();
    }

    /**
     * Echoes an Arrow input's float64 or float32 column of a chunk whose rows are all held in slices, in bulk.
     *
     * @return whether it did; false for any other column, with nothing set
     */
    private boolean echoedInBulk(FieldVector vector, List<List<String>> records, int c, int n) {
        ArrowRecord.Kind kind = vector instanceof Float8Vector
                ? ArrowRecord.Kind.FLOAT64
                : vector instanceof Float4Vector ? ArrowRecord.Kind.FLOAT32 : null;
        if (kind == null) {
            return false;
        }
        for (int r = 0; r < n; r++) {
            if (!(records.get(r) instanceof ArrowRecord record) || !record.inSlice() || record.kind(c) != kind) {
                return false;
            }
        }
        boolean[] nulls = null;
        double[] doubles = kind == ArrowRecord.Kind.FLOAT64 ? new double[n] : null;
        float[] floats = doubles == null ? new float[n] : null;
        for (int r = 0; r < n; r++) {
            ArrowRecord record = (ArrowRecord) records.get(r);
            if (record.isMissing(c)) {
                nulls = nulls == null ? new boolean[n] : nulls;
                nulls[r] = true;
            } else if (doubles != null) {
                doubles[r] = record.doubleAt(c);
            } else {
                floats[r] = record.floatAt(c);
            }
        }
        if (doubles != null) {
            fill.doubles((Float8Vector) vector, doubles, nulls, n);
        } else {
            fill.floats((Float4Vector) vector, floats, nulls, n);
        }
        return true;
    }

    /**
     * Sets the answer's columns of a chunk from its predictions' columns, in bulk ({@link ArrowColumnFill}): each
     * row's label from the class's UTF-8 bytes, encoded once, then each class's probabilities, or the values; a row
     * with no answer (never one in a scored chunk) null in each.
     */
    private void answerColumns(List<FieldVector> vectors, int inputs, PredictionColumns columns, int n) {
        boolean[] nulls = null;
        for (int r = 0; r < n; r++) {
            if (!columns.answered(r)) {
                nulls = nulls == null ? new boolean[n] : nulls;
                nulls[r] = true;
            }
        }
        double[] values = new double[n];
        if (!columns.classifies()) {
            for (int r = 0; r < n; r++) {
                values[r] = columns.value(r);
            }
            fill.doubles((Float8Vector) vectors.get(inputs), values, nulls, n);
            return;
        }
        if (classBytes == null || !classBytesOf.equals(columns.classes())) {
            classBytesOf = columns.classes();
            classBytes = new byte[classBytesOf.size()][];
            for (int c = 0; c < classBytes.length; c++) {
                classBytes[c] = classBytesOf.get(c).getBytes(StandardCharsets.UTF_8);
            }
        }
        byte[][] labels = new byte[n][];
        for (int r = 0; r < n; r++) {
            int label = columns.labelIndex(r);
            labels[r] = label == PredictionColumns.NO_ANSWER ? null : classBytes[label];
        }
        fill.utf8((VarCharVector) vectors.get(inputs), labels, n);
        for (int k = 0; k < columns.classCount(); k++) {
            for (int r = 0; r < n; r++) {
                values[r] = columns.probability(r, k);
            }
            fill.doubles((Float8Vector) vectors.get(inputs + 1 + k), values, nulls, n);
        }
    }

    /** Writes the rows set so far as one record batch, and starts the next. */
    private void flush() throws IOException {
        root.setRowCount(rows);
        try (ArrowRecordBatch batch = new VectorUnloader(root).getRecordBatch()) {
            MessageSerializer.serialize(channel, batch);
        }
        for (FieldVector vector : root.getFieldVectors()) {
            vector.reset();
        }
        rows = 0;
    }

    @Override
    public void close() throws IOException {
        try {
            if (root == null) {
                start(List.of()); // no row: the answer's columns alone
            }
            if (rows > 0) {
                flush();
            }
            ArrowStreamWriter.writeEndOfStream(channel, IpcOption.DEFAULT);
            out.flush();
        } finally {
            if (root != null) {
                root.close();
            }
            allocator.close();
            out.close();
        }
    }

    /** Arrow's channel, its buffers copied out through a heap array rather than viewed as direct ByteBuffers. */
    public static final class HeapWriteChannel extends WriteChannel {
        private final byte[] copy = new byte[1 << 16];

        public HeapWriteChannel(OutputStream out) {
            super(Channels.newChannel(out));
        }

        @Override
        public void write(ArrowBuf buffer) throws IOException {
            long length = buffer.readableBytes();
            long from = buffer.readerIndex();
            while (length > 0) {
                int n = (int) Math.min(copy.length, length);
                buffer.getBytes(from, copy, 0, n);
                write(java.nio.ByteBuffer.wrap(copy, 0, n));
                from += n;
                length -= n;
            }
        }
    }
}
