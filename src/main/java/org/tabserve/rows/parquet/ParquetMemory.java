package org.tabserve.rows.parquet;

import java.nio.ByteBuffer;
import java.util.function.LongConsumer;
import org.apache.parquet.bytes.ByteBufferAllocator;
import org.tabserve.rows.field.RowsException;

/**
 * The heap parquet-java may hold while reading a file, counted: its column chunks are read into buffers of this
 * allocator, which refuses in words past {@link #LIMIT} (a footer may claim a chunk of gigabytes) and reserves what
 * it holds from the request's budget ({@link ParquetOptions} makes the read options that use it).
 */
final class ParquetMemory implements ByteBufferAllocator {

    /** The most bytes of column chunks one read may hold at once (a row group's, compressed). */
    static final long LIMIT = 1L << 26;

    private final LongConsumer holding;
    private long held;

    /** @param holding told the bytes held each time they grow, to reserve them from the request's budget */
    ParquetMemory(LongConsumer holding) {
        this.holding = holding;
    }

    @Override
    public ByteBuffer allocate(int size) {
        if (size < 0 || held + size > LIMIT) {
            throw RowsException.tooLarge("the Parquet file needs more than " + LIMIT + " bytes of column chunks at"
                    + " once (" + (held + (long) size) + "); write it in smaller row groups");
        }
        held += size;
        holding.accept(held);
        return ByteBuffer.allocate(size);
    }

    @Override
    public void release(ByteBuffer buffer) {
        held -= buffer.capacity();
    }

    @Override
    public boolean isDirect() {
        return false;
    }
}
