package org.tabserve.rows.parquet;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.junit.jupiter.api.Test;

/**
 * Says when {@link ParquetOptions}' use of parquet-java's internals must change: while the supported builder still
 * needs Hadoop (this test's JVM has none, as the WAR has none), the package-private constructor is used, and the
 * options it makes carry the codecs and the counting allocator. When a parquet-java upgrade lets the builder work
 * without Hadoop, the first test fails: use the builder then, and drop the reflection.
 */
class ParquetOptionsTest {

    @Test
    void theSupportedBuilderStillNeedsHadoop() {
        NoClassDefFoundError e = assertThrows(
                NoClassDefFoundError.class, () -> ParquetReadOptions.builder(new PlainParquetConfiguration()));
        assertTrue(e.getMessage().startsWith("org/apache/hadoop/"), e.getMessage());
    }

    @Test
    void theOptionsCarryTheCodecsAndTheCountingAllocator() {
        ParquetCodecs codecs = new ParquetCodecs();
        ParquetMemory memory = new ParquetMemory(held -> {});
        ParquetReadOptions options = ParquetOptions.of(codecs, memory);
        assertSame(codecs, options.getCodecFactory());
        assertSame(memory, options.getAllocator());
    }
}
