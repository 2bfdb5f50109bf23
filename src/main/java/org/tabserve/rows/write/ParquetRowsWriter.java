package org.tabserve.rows.write;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroup;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;
import org.tabserve.model.answer.AnswerColumn;
import org.tabserve.model.answer.AnswerSource;
import org.tabserve.model.signature.Feature;
import org.tabserve.rows.arrow.ArrowRecord;
import org.tabserve.rows.field.NumberText;
import org.tabserve.rows.parquet.ParquetCodecs;
import org.tabserve.rows.read.TextCells;

/**
 * Parquet's {@link RowsWriter}: the answer table as one Snappy-compressed file of row groups of at most
 * {@link #ROW_GROUP_BYTES}, written through parquet-java without Hadoop. The input's columns keep a typed input's
 * types ({@link ArrowRecord}: float, double, whole number, boolean); a text format's column that a model input names
 * takes that input's type ({@link #inputs}: a float input as float, a double as double, a whole number as int64, a
 * boolean as boolean), so that the table is scored again as the model takes it; other columns are strings. The answer's label, prediction set, novelty flag and error are strings, its numbers doubles, and an
 * empty cell (a bad row's) is null.
 */
public final class ParquetRowsWriter implements RowsWriter {

    /** The rows parquet-java buffers before it writes them as a row group (its default, 128 MB, is the heap). */
    public static final long ROW_GROUP_BYTES = 8L << 20;

    private final OutputStream out;
    /** The table's columns, their types and the schema's metadata. */
    private TypedColumns columns;
    /** The model's inputs by name: the types of a text input's columns, and how their text reads. */
    private Map<String, Feature> inputFeatures = Map.of();

    private MessageType schema;
    private ArrowRecord.Kind[] kinds;
    private ParquetWriter<Group> writer;

    public ParquetRowsWriter(OutputStream out) {
        this.out = out;
    }

    @Override
    public void inputs(List<Feature> features) {
        Map<String, Feature> byName = new HashMap<>();
        features.forEach(feature -> byName.put(feature.name(), feature));
        inputFeatures = byName;
    }

    @Override
    public void columns(List<String> input, List<AnswerColumn> answer, AnswerSource source) {
        this.columns = TypedColumns.of(input, answer, source);
    }

    @Override
    public void row(List<String> input, List<?> answer) throws IOException {
        if (writer == null) {
            start(input);
        }
        Group row = new SimpleGroup(schema);
        ArrowRecord typed = input instanceof ArrowRecord record ? record : null;
        int column = 0;
        for (int i = 0; i < input.size(); i++) {
            set(row, column++, typed != null ? typed.value(i) : input.get(i));
        }
        for (Object cell : answer) {
            set(row, column++, cell);
        }
        writer.write(row);
    }

    /**
     * Sets a cell by its column's type: a value as it is, text read as that type (a bad row's echoed cells are
     * text); null, empty text, NaN or text that is no such value left unset (null).
     */
    private void set(Group row, int column, Object cell) {
        String text = cell instanceof String string ? string : null;
        if (cell == null || "".equals(text)) {
            return;
        }
        switch (kinds[column]) {
            case UTF8 -> row.add(column, cell.toString());
            case BOOL -> {
                Object value = cell instanceof Boolean ? cell : read(column, text);
                if (value instanceof Boolean b) {
                    row.add(column, b);
                }
            }
            default -> {
                Number number = cell instanceof Number n ? n : number(read(column, text));
                if (number == null) {
                    return;
                }
                switch (kinds[column]) {
                    case FLOAT32 -> row.add(column, number.floatValue());
                    case FLOAT64 -> row.add(column, number.doubleValue());
                    default -> row.add(column, number.longValue());
                }
            }
        }
    }

    /**
     * A column's text as the rows' reader took it ({@link TextCells#read}: a model input's by its feature, a decimal
     * comma as a semicolon file writes it), another column's as a decimal; null for text that is none (a bad row's,
     * whose error column names it).
     */
    private Object read(int column, String text) {
        Feature feature = inputFeatures.get(columns.names().get(column));
        if (feature == null) {
            return NumberText.parse(text.strip()).orElse(null);
        }
        Object value = TextCells.read(feature, text, false);
        return value == TextCells.UNREADABLE ? TextCells.read(feature, text, true) : value;
    }

    /**
     * A read cell as a number column's value: a whole number's decimal (3.0) as its long, none for a fraction or a
     * whole number past long range, which the batch refused.
     */
    private static Number number(Object value) {
        if (value instanceof BigDecimal decimal) {
            try {
                return decimal.longValueExact();
            } catch (ArithmeticException notALong) {
                return null;
            }
        }
        return value instanceof Double || value instanceof Long ? (Number) value : null;
    }

    /** The kind of a text input's column: its model input's type, text for a column no input names. */
    private ArrowRecord.Kind textKind(String name) {
        Feature feature = inputFeatures.get(name);
        if (feature == null) {
            return ArrowRecord.Kind.UTF8;
        }
        return switch (feature.type()) {
            case FLOAT -> ArrowRecord.Kind.FLOAT32;
            case DOUBLE -> ArrowRecord.Kind.FLOAT64;
            case INT64, INT32 -> ArrowRecord.Kind.INT64;
            case BOOL -> ArrowRecord.Kind.BOOL;
            case STRING -> ArrowRecord.Kind.UTF8;
        };
    }

    /**
     * Starts the file: the input's columns typed as a typed input's were (else as the model's inputs, else strings),
     * then the answer's.
     */
    private void start(List<String> input) throws IOException {
        kinds = new ArrowRecord.Kind[columns.names().size()];
        Types.MessageTypeBuilder message = Types.buildMessage();
        for (int i = 0; i < columns.names().size(); i++) {
            if (i < input.size()) {
                kinds[i] = input instanceof ArrowRecord record
                        ? record.kind(i)
                        : textKind(columns.names().get(i));
            } else {
                kinds[i] = columns.answerText(i, input.size()) ? ArrowRecord.Kind.UTF8 : ArrowRecord.Kind.FLOAT64;
            }
            switch (kinds[i]) {
                case FLOAT32 ->
                    message.optional(PrimitiveTypeName.FLOAT)
                            .named(columns.names().get(i));
                case FLOAT64 ->
                    message.optional(PrimitiveTypeName.DOUBLE)
                            .named(columns.names().get(i));
                case INT64 ->
                    message.optional(PrimitiveTypeName.INT64)
                            .named(columns.names().get(i));
                case BOOL ->
                    message.optional(PrimitiveTypeName.BOOLEAN)
                            .named(columns.names().get(i));
                case UTF8 ->
                    message.optional(PrimitiveTypeName.BINARY)
                            .as(LogicalTypeAnnotation.stringType())
                            .named(columns.names().get(i));
            }
        }
        schema = message.named("answer");
        writer = ExampleParquetWriter.builder(new StreamFile(out))
                .withConf(new PlainParquetConfiguration())
                .withType(schema)
                .withCodecFactory(new ParquetCodecs())
                .withCompressionCodec(CompressionCodecName.SNAPPY)
                .withRowGroupSize(ROW_GROUP_BYTES)
                .withExtraMetaData(columns.metadata())
                .build();
    }

    @Override
    public void close() throws IOException {
        try {
            if (writer == null) {
                start(List.of()); // no row: the answer's columns alone
            }
            writer.close();
            out.flush();
        } finally {
            out.close();
        }
    }

    /** The output stream as the file parquet-java writes, from its start. */
    private static final class StreamFile implements OutputFile {
        private final OutputStream out;

        StreamFile(OutputStream out) {
            this.out = out;
        }

        @Override
        public PositionOutputStream create(long blockSizeHint) {
            return new PositionOutputStream() {
                private long position;

                @Override
                public long getPos() {
                    return position;
                }

                @Override
                public void write(int b) throws IOException {
                    out.write(b);
                    position++;
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                    position += len;
                }

                @Override
                public void flush() throws IOException {
                    out.flush();
                }

                @Override
                public void close() throws IOException {
                    out.flush(); // the writer's own close closes the stream
                }
            };
        }

        @Override
        public PositionOutputStream createOrOverwrite(long blockSizeHint) {
            return create(blockSizeHint);
        }

        @Override
        public boolean supportsBlockSize() {
            return false;
        }

        @Override
        public long defaultBlockSize() {
            return 0;
        }
    }
}
