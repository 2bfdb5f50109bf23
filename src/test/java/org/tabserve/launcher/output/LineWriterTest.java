package org.tabserve.launcher.output;

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

/**
 * The writer of the access log and of the server's log: no thread that writes a line writes to the stream, waits for
 * another's write or for the stream, and every line queued comes out whole, once, in order, or is counted as dropped.
 */
class LineWriterTest {

    /** A stream that records each write call, as the bytes of that call. */
    static class Recording extends OutputStream {
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

    /** A stream whose first write stalls until released, as a write to a full pipe. */
    static class Stalling extends Recording {
        final CountDownLatch inWrite = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        /** Counted down once the held write has returned. */
        final CountDownLatch released = new CountDownLatch(1);

        /** Lets the held write go on and waits until it has returned (so a test does not race the writer). */
        void releaseAndAwait() throws InterruptedException {
            release.countDown();
            assertTrue(released.await(30, TimeUnit.SECONDS), "the held write returned");
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            boolean first;
            synchronized (this) {
                first = writes.isEmpty() && inWrite.getCount() > 0;
            }
            if (first) {
                inWrite.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                super.write(bytes, offset, length);
                released.countDown();
                return;
            }
            super.write(bytes, offset, length);
        }
    }

    /** A writer as the access log's, which says its drops nowhere in these tests (another writer's stream). */
    private static LineWriter accessLog(OutputStream out) {
        LineWriter elsewhere = new LineWriter(OutputStream.nullOutputStream(), StandardCharsets.UTF_8, "test-null", "");
        return new LineWriter(out, StandardCharsets.UTF_8, "tabserve-access-log", "dropping", elsewhere);
    }

    @Test
    void aLineReachesTheStreamFromTheLogsOwnThreadNotTheRequests() throws Exception {
        List<String> writers = new ArrayList<>();
        Recording out = new Recording() {
            @Override
            public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
                writers.add(Thread.currentThread().getName());
                super.write(bytes, offset, length);
            }
        };
        LineWriter log = accessLog(out);
        log.write("a line");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (out.text().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertEquals("a line\n", out.text(), "written without a flush");
        synchronized (out) {
            assertEquals(List.of("tabserve-access-log"), writers);
        }
        assertEquals(0, log.queuedBytes());
    }

    @Test
    void linesThatArriveWhileTheStreamIsBusyDoNotWaitAndGoOutInOneWrite() throws Exception {
        Stalling out = new Stalling();
        LineWriter log = accessLog(out);
        log.write("first");
        assertTrue(out.inWrite.await(30, TimeUnit.SECONDS), "the log's thread writes the first line");
        // These return although the stream is held (a lock held across each write made them wait)
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            for (int i = 0; i < 1000; i++) {
                log.write("line " + i);
            }
        });
        assertEquals(List.of(), List.copyOf(out.writes), "nothing written while the stream is busy");
        out.releaseAndAwait();
        assertTrue(log.flush(Duration.ofSeconds(30)));
        StringBuilder expected = new StringBuilder("first\n");
        for (int i = 0; i < 1000; i++) {
            expected.append("line ").append(i).append('\n');
        }
        assertEquals(expected.toString(), out.text());
        assertEquals(2, out.writes.size(), "the 1,000 lines that waited go out in one write");
    }

    /**
     * Issue 61, finding 3: stdout a pipe nobody reads held every request once the queue was full. Past its bound a
     * request's line is dropped, counted and said once on the other writer's stream (the access log's on stderr's),
     * and the request thread goes on; the lines queued before come out whole, in order, once the stream takes lines
     * again, and so do the next ones.
     */
    @Test
    void pastItsBoundALineIsDroppedCountedAndSaidOnceElsewhereAndTheThreadNeverWaits() throws Exception {
        Stalling out = new Stalling();
        Recording err = new Recording();
        LineWriter stderr = new LineWriter(err, StandardCharsets.UTF_8, "test-stderr", "stderr's notice");
        LineWriter log = new LineWriter(out, StandardCharsets.UTF_8, "test-stdout", "stdout's notice", stderr);
        log.write("first");
        assertTrue(out.inWrite.await(30, TimeUnit.SECONDS), "the log's thread is held in its first write");
        String padding = "x".repeat(6_000);
        int lines = LineWriter.MAX_QUEUED_BYTES / padding.length() + 100;
        writeWithoutWaiting(log, lines, padding);
        long dropped = log.dropped().get();
        assertTrue(dropped >= 100 && dropped < lines, dropped + " of " + lines + " lines dropped");
        assertTrue(log.queuedBytes() <= LineWriter.MAX_QUEUED_BYTES, "queued " + log.queuedBytes() + " bytes");
        assertTrue(stderr.flush(Duration.ofSeconds(30)));
        assertEquals("stdout's notice\n", err.text(), "said once, on the other stream, at the first line dropped");
        assertFalse(log.flush(Duration.ofMillis(200)), "a flush gives up on a stream that takes nothing");
        out.releaseAndAwait();
        assertTrue(log.flush(Duration.ofSeconds(30)));
        log.write("after");
        assertTrue(log.flush(Duration.ofSeconds(30)));
        String[] text = out.text().split("\n");
        long kept = lines - dropped;
        assertEquals(1 + kept + 1, text.length);
        assertEquals("first", text[0]);
        for (int i = 0; i < kept; i++) {
            assertEquals(i + " " + padding, text[i + 1], "line " + i + " whole, once, in order");
        }
        assertEquals("after", text[text.length - 1], "the log goes on once the stream takes lines again");
        assertEquals(0, log.queuedBytes());
        assertEquals("stdout's notice\n", err.text(), "said once only");
        assertEquals(0, stderr.dropped().get());
    }

    /**
     * The server's log on stderr, whose notice cannot go elsewhere: said once on its own stream, queued past the bound
     * that the lines it tells of found full, so that it comes out where they begin to be missing; later drops are only
     * counted.
     */
    @Test
    void aWriterWithNowhereElseToSayItSaysItsDropsOnceWhereTheLinesBeginToBeMissing() throws Exception {
        Stalling out = new Stalling();
        LineWriter log = new LineWriter(out, StandardCharsets.UTF_8, "test-stderr", "lines are missing from here");
        log.write("first");
        assertTrue(out.inWrite.await(30, TimeUnit.SECONDS), "the log's thread is held in its first write");
        String padding = "x".repeat(6_000);
        int lines = LineWriter.MAX_QUEUED_BYTES / padding.length() + 100;
        writeWithoutWaiting(log, lines, padding);
        long dropped = log.dropped().get();
        assertTrue(dropped >= 100 && dropped < lines, dropped + " of " + lines + " lines dropped");
        assertTrue(
                log.queuedBytes() <= LineWriter.MAX_QUEUED_BYTES + 100,
                "queued " + log.queuedBytes() + " bytes: the bound and the one notice");
        out.releaseAndAwait();
        assertTrue(log.flush(Duration.ofSeconds(30)));
        writeWithoutWaiting(log, 1, "after");
        assertTrue(log.flush(Duration.ofSeconds(30)));
        String[] text = out.text().split("\n");
        long kept = lines - dropped;
        assertEquals(1 + kept + 1 + 1, text.length);
        for (int i = 0; i < kept; i++) {
            assertEquals(i + " " + padding, text[i + 1], "line " + i + " whole, once, in order");
        }
        assertEquals("lines are missing from here", text[(int) kept + 1], "said after the lines kept, before the next");
        assertEquals("0 after", text[text.length - 1]);
        assertEquals(dropped, log.dropped().get());
    }

    /** Writes {@code lines} lines, failing if the thread waits for the stream. */
    private static void writeWithoutWaiting(LineWriter log, int lines, String padding) {
        assertTimeoutPreemptively(
                Duration.ofSeconds(60),
                () -> {
                    for (int i = 0; i < lines; i++) {
                        log.write(i + " " + padding);
                    }
                },
                "a thread waited for the stream");
    }

    /**
     * The launcher flushes both logs as it exits, then java.util.logging flushes the server's as the JVM shuts down:
     * on a stream that takes nothing, the second does not wait again.
     */
    @Test
    void aFlushDoesNotWaitAgainForAStreamThatTookNothingSinceTheLastGaveUp() throws Exception {
        Stalling out = new Stalling();
        LineWriter log = accessLog(out);
        log.write("first");
        assertTrue(out.inWrite.await(30, TimeUnit.SECONDS));
        log.write("second");
        assertFalse(log.flush(Duration.ofMillis(200)));
        long start = System.nanoTime();
        assertFalse(log.flush(Duration.ofSeconds(60)), "the stream still takes nothing");
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(30), "the second flush waited");
        out.releaseAndAwait();
        assertTrue(log.flush(Duration.ofSeconds(30)), "it waits again once the stream took a line");
        assertEquals("first\nsecond\n", out.text());
    }

    @Test
    void aFlushWritesEveryLineQueuedBeforeIt() {
        Recording out = new Recording();
        LineWriter log = accessLog(out);
        log.write("one");
        log.write("two");
        log.write("three");
        assertTrue(log.flush(Duration.ofSeconds(30)));
        assertEquals("one\ntwo\nthree\n", out.text());
    }

    @Test
    void linesFromManyThreadsComeOutWholeAndOnceEachOrAreCountedAsDropped() throws Exception {
        Recording out = new Recording();
        LineWriter log = accessLog(out);
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
                    String padding = i % 997 == 0 ? "x".repeat(LineWriter.MAX_WRITE_BYTES + i) : "é".repeat(i % 40);
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
        assertTrue(log.flush(Duration.ofSeconds(30)));
        String text = out.text();
        assertTrue(text.endsWith("\n"));
        Map<String, Integer> seen = new HashMap<>();
        for (String line : text.substring(0, text.length() - 1).split("\n", -1)) {
            String[] parts = line.split(" ", 4);
            assertEquals(4, parts.length, line.length() > 80 ? line.substring(0, 80) : line);
            int i = Integer.parseInt(parts[1]);
            String padding = i % 997 == 0 ? "x".repeat(LineWriter.MAX_WRITE_BYTES + i) : "é".repeat(i % 40);
            assertEquals(padding + " end", parts[2] + " " + parts[3], "line " + parts[0] + " " + i + " whole");
            seen.merge(parts[0] + " " + i, 1, Integer::sum);
        }
        // Lines may come faster than the stream takes them: one that found the queue full is dropped, never half
        assertEquals(threads * lines, seen.size() + log.dropped().get(), "every line written or counted as dropped");
        assertTrue(seen.size() > lines, seen.size() + " lines written");
        assertTrue(seen.values().stream().allMatch(n -> n == 1), "no line written twice");
        for (byte[] write : out.writes) {
            assertTrue(
                    write.length <= LineWriter.MAX_WRITE_BYTES
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
        LineWriter log = accessLog(out);
        log.write("lost");
        assertTrue(log.flush(Duration.ofSeconds(30)));
        log.write("kept");
        assertTrue(log.flush(Duration.ofSeconds(30)));
        assertEquals("kept\n", out.text());
    }
}
