package org.tabserve.rows.arrow;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongConsumer;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.compression.AbstractCompressionCodec;
import org.apache.arrow.vector.compression.CompressionCodec;
import org.apache.arrow.vector.compression.CompressionUtil;
import org.apache.arrow.vector.compression.NoCompressionCodec;
import org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorInputStream;
import org.tabserve.rows.field.RowsException;

/**
 * The codecs an Arrow stream's compressed buffers are inflated with, metered: LZ4 frames (pyarrow's and pandas'
 * {@code to_feather} default), each buffer's declared length counted ({@code inflating}, which reserves it from the
 * request's budget or refuses) before its memory is allocated, and the buffer refused in words unless it inflates to
 * exactly that length, inflating at most one byte past it. ZSTD is refused where the stream is judged
 * ({@link ArrowMessages}): it would need zstd-jni's native library.
 */
final class ArrowCodecs implements CompressionCodec.Factory {

    private final LongConsumer inflating;
    private final String what;

    /** @param inflating takes each buffer's declared length before it is inflated, or throws its refusal */
    ArrowCodecs(LongConsumer inflating, String what) {
        this.inflating = inflating;
        this.what = what;
    }

    @Override
    public CompressionCodec createCodec(CompressionUtil.CodecType type) {
        return switch (type) {
            case NO_COMPRESSION -> NoCompressionCodec.INSTANCE;
            case LZ4_FRAME -> new Lz4();
            default -> throw RowsException.malformed(what + " is compressed with " + type + "; " + ArrowMessages.TAKEN);
        };
    }

    @Override
    public CompressionCodec createCodec(CompressionUtil.CodecType type, int level) {
        return createCodec(type);
    }

    /** LZ4 frames inflated into the declared length, and not a byte further. */
    private final class Lz4 extends AbstractCompressionCodec {

        @Override
        protected ArrowBuf doDecompress(BufferAllocator allocator, ArrowBuf compressed) {
            long declared = readUncompressedLength(compressed);
            if (declared < 0 || declared > ArrowMessages.MAX_BODY_BYTES) {
                throw RowsException.tooLarge(what + " has a compressed buffer that declares " + declared
                        + " bytes; at most " + ArrowMessages.MAX_BODY_BYTES + " are inflated at once");
            }
            inflating.accept(declared);
            byte[] in = new byte[(int) (compressed.writerIndex() - CompressionUtil.SIZE_OF_UNCOMPRESSED_LENGTH)];
            compressed.getBytes(CompressionUtil.SIZE_OF_UNCOMPRESSED_LENGTH, in);
            ArrowBuf out = allocator.buffer(declared);
            try (InputStream lz4 = new FramedLZ4CompressorInputStream(new ByteArrayInputStream(in))) {
                byte[] chunk = new byte[1 << 16];
                long at = 0;
                while (at < declared) {
                    int n = lz4.read(chunk, 0, (int) Math.min(chunk.length, declared - at));
                    if (n < 0) {
                        break;
                    }
                    out.setBytes(at, chunk, 0, n);
                    at += n;
                }
                if (at != declared || lz4.read() != -1) {
                    throw RowsException.malformed(what + " has an LZ4 buffer that inflates to "
                            + (at < declared ? at + " bytes" : "more") + " than the " + declared
                            + " bytes it declares; nothing past them was inflated");
                }
            } catch (IOException e) {
                out.close();
                throw RowsException.malformed(what + " has an LZ4 buffer that is not an LZ4 frame: " + e.getMessage());
            } catch (RuntimeException e) {
                out.close();
                throw e;
            }
            out.writerIndex(declared);
            return out;
        }

        @Override
        protected ArrowBuf doCompress(BufferAllocator allocator, ArrowBuf uncompressed) {
            throw new UnsupportedOperationException("tabserve writes Arrow uncompressed");
        }

        @Override
        public CompressionUtil.CodecType getCodecType() {
            return CompressionUtil.CodecType.LZ4_FRAME;
        }
    }
}
