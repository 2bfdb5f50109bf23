package org.tabserve.rows.parquet;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.tabserve.rows.field.RowsException;
import org.xerial.snappy.Snappy;

/**
 * Parquet's page codecs without Hadoop's: Snappy (snappy-java), gzip (the JDK's) and uncompressed; each page's
 * declared size is counted against {@link #MAX_ROW_GROUP_BYTES} for the row group being read before it is inflated,
 * so that a page that claims gigabytes is refused in words rather than allocated, and told to the reader, which
 * reserves it from the request's budget.
 */
public final class ParquetCodecs implements CompressionCodecFactory {

    /** The codecs read and written; a file compressed with any other is refused, its column named. */
    static final java.util.Set<CompressionCodecName> TAKEN = java.util.EnumSet.of(
            CompressionCodecName.UNCOMPRESSED, CompressionCodecName.SNAPPY, CompressionCodecName.GZIP);

    /** The most bytes the pages of one row group may inflate to, over all its columns. */
    static final long MAX_ROW_GROUP_BYTES = 1L << 26;

    private final java.util.function.LongConsumer inflating;
    private long inflated;

    /** Codecs for writing, or for reading with nothing reserved. */
    public ParquetCodecs() {
        this(bytes -> {});
    }

    /** @param inflating told the bytes the row group's pages inflated to so far, each time they grow */
    ParquetCodecs(java.util.function.LongConsumer inflating) {
        this.inflating = inflating;
    }

    /** Starts counting a new row group's pages. */
    void nextRowGroup() {
        inflated = 0;
    }

    @Override
    public BytesInputCompressor getCompressor(CompressionCodecName codec) {
        if (!TAKEN.contains(codec)) {
            throw new IllegalArgumentException("no " + codec + " codec");
        }
        return new BytesInputCompressor() {
            @Override
            public BytesInput compress(BytesInput bytes) throws IOException {
                byte[] in = bytes.toByteArray();
                return switch (codec) {
                    case SNAPPY -> BytesInput.from(Snappy.compress(in));
                    case GZIP -> {
                        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length / 2 + 64);
                        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
                            gzip.write(in);
                        }
                        yield BytesInput.from(out.toByteArray());
                    }
                    default -> BytesInput.from(in);
                };
            }

            @Override
            public CompressionCodecName getCodecName() {
                return codec;
            }

            @Override
            public void release() {}
        };
    }

    @Override
    public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
        return new BytesInputDecompressor() {
            @Override
            public BytesInput decompress(BytesInput bytes, int size) throws IOException {
                return BytesInput.from(inflate(codec, bytes.toByteArray(), size));
            }

            @Override
            public void decompress(ByteBuffer in, int compressed, ByteBuffer out, int size) throws IOException {
                byte[] bytes = new byte[compressed];
                in.get(bytes);
                out.put(inflate(codec, bytes, size));
            }

            @Override
            public void release() {}
        };
    }

    /** A page's bytes inflated to the size its header declares, that size counted first. */
    private byte[] inflate(CompressionCodecName codec, byte[] in, int size) throws IOException {
        if (size < 0 || inflated + size > MAX_ROW_GROUP_BYTES) {
            throw RowsException.tooLarge("the Parquet file's pages of one row group inflate to more than "
                    + MAX_ROW_GROUP_BYTES + " bytes (a page declares " + size + "); write it in smaller row groups");
        }
        inflated += size;
        inflating.accept(inflated);
        byte[] out;
        switch (codec) {
            case UNCOMPRESSED -> out = in;
            case SNAPPY -> {
                if (!Snappy.isValidCompressedBuffer(in) || Snappy.uncompressedLength(in) != size) {
                    throw new IOException("a Snappy page does not inflate to the " + size + " bytes it declares");
                }
                out = Snappy.uncompress(in);
            }
            case GZIP -> {
                try (GZIPInputStream gzip = new GZIPInputStream(new ByteArrayInputStream(in))) {
                    out = gzip.readNBytes(size);
                    // One byte more says a page inflates past its declared size (a bomb), inflating no further.
                    if (out.length == size && gzip.read() != -1) {
                        throw new IOException("a gzip page inflates to more than the " + size + " bytes it declares");
                    }
                }
            }
            default ->
                throw RowsException.malformed(
                        "the Parquet file is compressed with " + codec + "; tabserve reads " + TAKEN);
        }
        if (out.length != size) {
            throw new IOException("a page inflates to " + out.length + " bytes, not the " + size + " it declares");
        }
        return out;
    }

    @Override
    public void release() {}
}
