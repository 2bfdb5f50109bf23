package org.tabserve.rows.arrow;

import java.io.ByteArrayInputStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowStreamReader;

/** Opens an Arrow answer the server wrote, for a test to read back, through the same messages reader, unbounded. */
public final class ArrowAnswerStreams {

    private ArrowAnswerStreams() {}

    /** @return a reader of {@code answer} over {@code allocator}, reserving nothing and refusing no row count */
    public static ArrowStreamReader open(byte[] answer, BufferAllocator allocator) {
        return new ArrowStreamReader(
                new ArrowMessages(
                        new ByteArrayInputStream(answer),
                        allocator,
                        (bytes, dictionary) -> {},
                        Long.MAX_VALUE,
                        "the answer"),
                allocator);
    }
}
