package org.tabserve.rows.arrow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.compression.CommonsCompressionFactory;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.compression.AbstractCompressionCodec;
import org.apache.arrow.vector.compression.CompressionCodec;
import org.apache.arrow.vector.compression.CompressionUtil;
import org.apache.arrow.vector.compression.NoCompressionCodec;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.IpcOption;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.tabserve.cli.CsvScoring;
import org.tabserve.model.Model;
import org.tabserve.model.onnx.OnnxModelLoader;
import org.tabserve.rows.RowFormat;
import org.tabserve.rows.field.OnError;
import org.tabserve.rows.field.RowsException;
import org.tabserve.rows.read.RowsReader;
import org.tabserve.rows.write.ArrowRowsWriter;

/**
 * LZ4-compressed Arrow streams (pyarrow's and pandas' {@code to_feather} default), written by Arrow Java's own codec,
 * are answered as the same stream uncompressed; each buffer's declared length is reserved before it is inflated, and
 * a buffer that inflates past it (a bomb: 64 MiB of zeros in a frame of about 260 KB, declaring 320,000 bytes) is
 * refused in words, inflated no further; a declared length past what a batch may hold is refused before anything is
 * allocated for it.
 */
class ArrowCompressionTest {

    private static final int ROWS = 40_000;

    @Test
    void anLz4StreamIsAnsweredAsTheSameStreamUncompressed() throws IOException {
        byte[] plain = notes(NoCompressionCodec.INSTANCE);
        byte[] lz4 = notes(CommonsCompressionFactory.INSTANCE.createCodec(CompressionUtil.CodecType.LZ4_FRAME));
        assertTrue(lz4.length < plain.length * 0.9, "compressed: " + lz4.length + " of " + plain.length);
        assertEquals(answer(plain), answer(lz4));
    }

    @Test
    void aBufferThatInflatesPastItsDeclaredLengthIsRefusedInWords() throws IOException {
        byte[] bomb = notes(new BombCodec());
        assertTrue(bomb.length < 4 * 300_000, "the bomb stream is " + bomb.length + " bytes");
        List<Long> reserved = new ArrayList<>();
        try (Model model = OnnxModelLoader.load(Path.of("model.onnx"))) {
            RowsReader reader =
                    RowFormat.ARROW.reader(model.signature(), Long.MAX_VALUE).reservingRowMemory(reserved::add);
            RowsException e = assertThrows(RowsException.class, () -> reader.validate(new ByteArrayInputStream(bomb)));
            assertTrue(
                    e.getMessage()
                            .contains("has an LZ4 buffer that inflates to more than the " + ROWS * 8
                                    + " bytes it declares; nothing past them was inflated"),
                    e.getMessage());
        }
        long total = reserved.stream().mapToLong(Long::longValue).sum();
        assertTrue(
                total >= ROWS * 8 && total < 16 << 20, "reserved what was declared, not what it inflates to: " + total);
    }

    @Test
    void aDeclaredLengthPastWhatABatchMayHoldIsRefusedBeforeAllocating() {
        List<Long> reserved = new ArrayList<>();
        try (BufferAllocator allocator = new RootAllocator(1 << 20);
                ArrowBuf compressed = allocator.buffer(64)) {
            compressed.setLong(0, 1L << 40);
            compressed.writerIndex(64);
            CompressionCodec codec =
                    new ArrowCodecs(reserved::add, "the Arrow stream").createCodec(CompressionUtil.CodecType.LZ4_FRAME);
            RowsException e = assertThrows(RowsException.class, () -> codec.decompress(allocator, compressed));
            assertTrue(
                    e.getMessage()
                            .startsWith("the Arrow stream has a compressed buffer that declares 1099511627776 bytes"),
                    e.getMessage());
            assertEquals(List.of(), reserved);
        }
    }

    /** The CSV answer of an Arrow stream, scored by the bundled model. */
    private static String answer(byte[] arrow) throws IOException {
        StringWriter csv = new StringWriter();
        try (Model model = OnnxModelLoader.load(Path.of("model.onnx"))) {
            CsvScoring.writeScored(
                    model,
                    () -> new ByteArrayInputStream(arrow),
                    RowFormat.ARROW,
                    RowFormat.CSV.writer(csv),
                    OnError.REJECT,
                    rows -> {});
        }
        return csv.toString();
    }

    /** The bank notes repeated to {@link #ROWS} rows, float64 columns, one record batch compressed by {@code codec}. */
    static byte[] notes(CompressionCodec codec) throws IOException {
        List<String> lines = Files.readAllLines(Path.of("data/BankNote_Authentication.csv"));
        ArrowType type = new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
        List<String> names = List.of("variance", "skewness", "curtosis", "entropy");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ArrowRowsWriter.HeapWriteChannel channel = new ArrowRowsWriter.HeapWriteChannel(bytes);
        try (BufferAllocator allocator = new RootAllocator();
                VectorSchemaRoot root = VectorSchemaRoot.create(
                        new Schema(names.stream()
                                .map(n -> Field.notNullable(n, type))
                                .toList()),
                        allocator)) {
            root.allocateNew();
            for (int r = 0; r < ROWS; r++) {
                String[] cells = lines.get(1 + r % (lines.size() - 1)).split(",");
                for (int c = 0; c < 4; c++) {
                    ((Float8Vector) root.getVector(c)).setSafe(r, Double.parseDouble(cells[c]));
                }
            }
            root.setRowCount(ROWS);
            MessageSerializer.serialize(channel, root.getSchema());
            try (ArrowRecordBatch batch = new VectorUnloader(root, true, codec, true).getRecordBatch()) {
                MessageSerializer.serialize(channel, batch);
            }
            ArrowStreamWriter.writeEndOfStream(channel, IpcOption.DEFAULT);
        }
        return bytes.toByteArray();
    }

    /** A hostile writer's codec: every buffer's frame holds 64 MiB of zeros, whatever length it declares. */
    static final class BombCodec extends AbstractCompressionCodec {
        private static byte[] frame;

        @Override
        protected ArrowBuf doCompress(BufferAllocator allocator, ArrowBuf uncompressed) {
            byte[] bomb = frame();
            ArrowBuf out = allocator.buffer(CompressionUtil.SIZE_OF_UNCOMPRESSED_LENGTH + bomb.length);
            out.setBytes(CompressionUtil.SIZE_OF_UNCOMPRESSED_LENGTH, bomb);
            out.writerIndex(CompressionUtil.SIZE_OF_UNCOMPRESSED_LENGTH + bomb.length);
            return out;
        }

        private static synchronized byte[] frame() {
            if (frame == null) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                try (FramedLZ4CompressorOutputStream lz4 = new FramedLZ4CompressorOutputStream(out)) {
                    byte[] zeros = new byte[1 << 20];
                    for (int i = 0; i < 64; i++) {
                        lz4.write(zeros);
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                frame = out.toByteArray();
            }
            return frame;
        }

        @Override
        protected ArrowBuf doDecompress(BufferAllocator allocator, ArrowBuf compressed) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompressionUtil.CodecType getCodecType() {
            return CompressionUtil.CodecType.LZ4_FRAME;
        }
    }
}
