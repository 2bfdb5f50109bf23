package org.tabserve.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The access log's writer: no thread waits for another's write, and every line comes out whole, once. */
class AccessLogWriterTest {

    /** A stream that records each write call, as the bytes of that call. */
    private static class Recording extends OutputStream {
        final List<byte[]> writes = new ArrayList<>();

        @Override
        public void write(int b) {
            throw new AssertionError("the writer writes arrays");
        }

        @Override
        public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
            writes.add(Arrays.copyOfRange(bytes, offset, offset + length));
        }

        synchronized String text() {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            writes.forEach(all::writeBytes);
            return all.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void aLineThatFindsTheStreamBusyDoesNotWaitAndIsWrittenByTheThreadWriting() throws Exception {
        CountDownLatch inWrite = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Recording out = new Recording() {
            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                if (writes.isEmpty()) { // the first write stalls, as a write whose thread the scheduler paused
                    inWrite.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                }
                super.write(bytes, offset, length);
            }
        };
        AccessLogWriter log = new AccessLogWriter(out);
        ExecutorService threads = Executors.newSingleThreadExecutor();
        try {
            Future<?> first = threads.submit(() -> log.write("first"));
            assertTrue(inWrite.await(10, TimeUnit.SECONDS));
            // These return although the stream is held by the first (a lock held across each write made them wait)
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                log.write("second");
                log.write("third");
            });
            assertFalse(first.isDone(), "the first write is still held");
            assertEquals(List.of(), List.copyOf(out.writes), "nothing written while the stream is busy");
            release.countDown();
            first.get(10, TimeUnit.SECONDS);
        } finally {
            threads.shutdownNow();
        }
        assertEquals("first\nsecond\nthird\n", out.text());
        assertEquals(2, out.writes.size(), "the two lines that waited go out in one write");
    }

    @Test
    void linesFromManyThreadsComeOutWholeAndOnceEach() throws Exception {
        Recording out = new Recording();
        AccessLogWriter log = new AccessLogWriter(out);
        int threads = 8;
        int lines = 5_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            done.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < lines; i++) {
                    // lengths from a few bytes to over a write's limit, and text beyond ASCII
                    String padding =
                            i % 997 == 0 ? "x".repeat(AccessLogWriter.MAX_WRITE_BYTES + i) : "é".repeat(i % 40);
                    log.write(thread + " " + i + " " + padding + " end");
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : done) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        String text = out.text();
        assertTrue(text.endsWith("\n"));
        Map<String, Integer> seen = new HashMap<>();
        for (String line : text.substring(0, text.length() - 1).split("\n", -1)) {
            String[] parts = line.split(" ", 4);
            assertEquals(4, parts.length, line.length() > 80 ? line.substring(0, 80) : line);
            int i = Integer.parseInt(parts[1]);
            String padding = i % 997 == 0 ? "x".repeat(AccessLogWriter.MAX_WRITE_BYTES + i) : "é".repeat(i % 40);
            assertEquals(padding + " end", parts[2] + " " + parts[3], "line " + parts[0] + " " + i + " whole");
            seen.merge(parts[0] + " " + i, 1, Integer::sum);
        }
        assertEquals(threads * lines, seen.size(), "every line written");
        assertTrue(seen.values().stream().allMatch(n -> n == 1), "no line written twice");
        for (byte[] write : out.writes) {
            assertTrue(
                    write.length <= AccessLogWriter.MAX_WRITE_BYTES
                            || new String(write, StandardCharsets.UTF_8).indexOf('\n') == write.length - 1,
                    "a write over the limit holds one long line only");
        }
    }

    @Test
    void aFailingStreamLosesTheLinesButNotTheNextOnes() {
        AtomicInteger calls = new AtomicInteger();
        Recording out = new Recording() {
            @Override
            public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
                if (calls.incrementAndGet() == 1) {
                    throw new IOException("stdout is full");
                }
                super.write(bytes, offset, length);
            }
        };
        AccessLogWriter log = new AccessLogWriter(out);
        log.write("lost");
        log.write("kept");
        assertEquals("kept\n", out.text());
    }
}
