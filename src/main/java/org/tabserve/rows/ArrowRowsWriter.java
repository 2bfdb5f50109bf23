package org.tabserve.rows;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
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

/**
 * Arrow IPC stream's {@link RowsWriter}: the answer table as record batches of {@link RowsReader#CHUNK_ROWS} rows.
 * The input's columns are utf8, as the input wrote them (the writer is told cells as text); the answer's label,
 * prediction set, novelty flag and error are utf8, its probabilities, value, bounds, coverage and p-value float64,
 * and an empty cell (a bad row's) is null. Buffers are copied out through the heap, so writing needs no JVM flag.
 */
final class ArrowRowsWriter implements RowsWriter {

    /** The answer's columns that hold text; every other answer column holds numbers. */
    private static final Set<String> TEXT_ANSWERS =
            Set.of("label", UncertaintyJson.PREDICTION_SET, "novel", CsvAnswer.ERROR_COLUMN);

    /** Arrow memory a batch being written may hold: a chunk of rows of a few hundred columns. */
    private static final long ALLOCATOR_LIMIT = 1L << 28;

    private final OutputStream out;
    private final WriteChannel channel;
    private final BufferAllocator allocator = new RootAllocator(ALLOCATOR_LIMIT);
    private List<String> names;
    private VectorSchemaRoot root;
    private int rows;

    ArrowRowsWriter(OutputStream out) {
        this.out = out;
        this.channel = new HeapWriteChannel(out);
    }

    @Override
    public void columns(List<String> names) {
        this.names = List.copyOf(names);
    }

    @Override
    public void row(List<String> input, List<?> answer) throws IOException {
        if (root == null) {
            start(input.size());
        }
        List<FieldVector> vectors = root.getFieldVectors();
        int column = 0;
        for (String cell : input) {
            setText((VarCharVector) vectors.get(column++), cell);
        }
        for (Object cell : answer) {
            FieldVector vector = vectors.get(column++);
            if (vector instanceof VarCharVector text) {
                setText(text, cell == null ? "" : cell.toString());
            } else {
                setNumber((Float8Vector) vector, cell);
            }
        }
        rows++;
        if (rows == RowsReader.CHUNK_ROWS) {
            flush();
        }
    }

    private void setText(VarCharVector vector, String cell) {
        if (cell.isEmpty()) {
            vector.setNull(rows);
        } else {
            vector.setSafe(rows, cell.getBytes(StandardCharsets.UTF_8));
        }
    }

    private void setNumber(Float8Vector vector, Object cell) {
        if (cell instanceof Number number) {
            vector.setSafe(rows, number.doubleValue());
        } else {
            var parsed = cell == null ? java.util.Optional.<Double>empty() : NumberText.parse(cell.toString());
            if (parsed.isPresent()) {
                vector.setSafe(rows, parsed.get());
            } else {
                vector.setNull(rows);
            }
        }
    }

    /** Starts the stream: its schema, the first {@code inputColumns} columns the input's. */
    private void start(int inputColumns) throws IOException {
        List<Field> fields = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            boolean text = i < inputColumns || TEXT_ANSWERS.contains(names.get(i));
            ArrowType type =
                    text ? ArrowType.Utf8.INSTANCE : new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
            fields.add(new Field(names.get(i), FieldType.nullable(type), null));
        }
        root = VectorSchemaRoot.create(new Schema(fields), allocator);
        root.allocateNew();
        MessageSerializer.serialize(channel, root.getSchema());
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
                start(0); // no row: the answer's columns alone
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
    static final class HeapWriteChannel extends WriteChannel {
        private final byte[] copy = new byte[1 << 16];

        HeapWriteChannel(OutputStream out) {
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
