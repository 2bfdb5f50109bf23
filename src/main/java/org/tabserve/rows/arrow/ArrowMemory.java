package org.tabserve.rows.arrow;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.memory.unsafe.UnsafeAllocationManager;

/**
 * Arrow's memory for one read or one answer: a root allocator of its own, bounded, that allocates through
 * {@code Unsafe} (named here, so that Arrow does not look for Netty first), which needs no JVM flag.
 */
public final class ArrowMemory {

    private ArrowMemory() {}

    /** @return an allocator that refuses past {@code limit} bytes ({@code OutOfMemoryException}) */
    public static BufferAllocator allocator(long limit) {
        return new RootAllocator(RootAllocator.configBuilder()
                .allocationManagerFactory(UnsafeAllocationManager.FACTORY)
                .maxAllocation(limit)
                .build());
    }
}
