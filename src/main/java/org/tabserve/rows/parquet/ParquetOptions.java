package org.tabserve.rows.parquet;

import java.lang.reflect.Constructor;
import java.util.Map;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.bytes.ByteBufferAllocator;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.filter2.compat.FilterCompat;
import org.apache.parquet.format.converter.ParquetMetadataConverter;

/**
 * parquet-java's read options made without Hadoop, the one place that uses its internals: the supported way,
 * {@code ParquetReadOptions.builder(conf)}, makes Hadoop's codec factory in its constructor before any other can be
 * given ({@code NoClassDefFoundError: org/apache/hadoop/io/compress/zlib/ZlibCompressor$CompressionLevel} in a WAR
 * without Hadoop, whose API jar alone is 19.7 MB), so the options are made through their own package-private
 * constructor (parquet-java 1.18.1's, of 18 parameters). {@code ParquetOptionsTest} says when that changes.
 */
final class ParquetOptions {

    /** The largest buffer parquet-java asks for at once; a chunk is read in buffers of at most this. */
    private static final int MAX_ALLOCATION = 1 << 22;

    private static final Constructor<?> OPTIONS = constructor();

    private ParquetOptions() {}

    /** @return read options with {@code codecs} and {@code memory}, every filter off, page checksums verified */
    static ParquetReadOptions of(CompressionCodecFactory codecs, ByteBufferAllocator memory) {
        try {
            return (ParquetReadOptions) OPTIONS.newInstance(
                    false, // useSignedStringMinMax
                    false, // useStatsFilter
                    false, // useDictionaryFilter
                    false, // useRecordFilter
                    false, // useColumnIndexFilter
                    true, // usePageChecksumVerification
                    false, // useBloomFilter
                    false, // useOffHeapDecryptBuffer
                    false, // useHadoopVectoredIo
                    FilterCompat.NOOP,
                    ParquetMetadataConverter.NO_FILTER,
                    codecs,
                    memory,
                    MAX_ALLOCATION,
                    Map.of(),
                    null, // no decryption
                    null, // no metrics
                    new PlainParquetConfiguration());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("parquet-java's read options could not be made", e);
        }
    }

    /** @return the package-private constructor whose 13th parameter is the allocator */
    static Constructor<?> constructor() {
        for (Constructor<?> constructor : ParquetReadOptions.class.getDeclaredConstructors()) {
            Class<?>[] types = constructor.getParameterTypes();
            if (types.length == 18
                    && types[11] == CompressionCodecFactory.class
                    && types[12] == ByteBufferAllocator.class
                    && types[17] == org.apache.parquet.conf.ParquetConfiguration.class) {
                constructor.setAccessible(true);
                return constructor;
            }
        }
        throw new IllegalStateException("parquet-java's ParquetReadOptions has no constructor of the 18 parameters"
                + " 1.18.1's has; see ParquetOptionsTest");
    }
}
