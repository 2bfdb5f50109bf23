package org.tabserve.web.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.tabserve.serving.budget.MemoryBudget;
import org.tabserve.serving.budget.ServingException;

/** The dashboard's answers are built once for the requests that ask together, fresh for those that ask after. */
class SharedAnswerTest {

    private final MemoryBudget budget = MemoryBudget.ofHeap();
    private final AtomicInteger builds = new AtomicInteger();

    private SharedAnswer.Builder counting(long millis) {
        return out -> {
            int build = builds.incrementAndGet();
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            out.write(("build " + build).getBytes(StandardCharsets.UTF_8));
        };
    }

    /** The answer a request writes. */
    private static byte[] get(SharedAnswer answer, long estimate, SharedAnswer.Builder builder) throws IOException {
        AtomicReference<byte[]> written = new AtomicReference<>();
        answer.write(estimate, builder, built -> written.set(Arrays.copyOf(built.bytes(), built.length())));
        return written.get();
    }

    @Test
    void readersThatAskTogetherShareOneBuild() throws Exception {
        SharedAnswer answer = new SharedAnswer(budget, "the test's answer");
        ExecutorService pool = Executors.newFixedThreadPool(32);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<byte[]>> readers = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                readers.add(pool.submit(() -> {
                    go.await();
                    return get(answer, 1 << 10, counting(300));
                }));
            }
            go.countDown();
            for (Future<byte[]> reader : readers) {
                assertArrayEquals("build 1".getBytes(StandardCharsets.UTF_8), reader.get(30, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, builds.get(), "32 readers at once, one build");
    }

    @Test
    void aReaderAfterABuildGetsABuildOfItsOwnAfterAPauseOfAtMostASecond() throws Exception {
        SharedAnswer answer = new SharedAnswer(budget, "the test's answer");
        assertEquals("build 1", new String(get(answer, 1 << 10, counting(50)), StandardCharsets.UTF_8));
        long asked = System.nanoTime();
        assertEquals(
                "build 2",
                new String(get(answer, 1 << 10, counting(50)), StandardCharsets.UTF_8),
                "what changed before the request is in its answer");
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - asked);
        assertTrue(waited >= 150, "a pause of four builds' time before the next: waited " + waited + " ms");
        assertTrue(waited < 5_000, "waited " + waited + " ms");
    }

    @Test
    void aBuildTheBudgetCannotHoldIsRefusedBeforeItStarts() {
        SharedAnswer answer = new SharedAnswer(budget, "the test's answer");
        ServingException refused =
                assertThrows(ServingException.class, () -> get(answer, budget.capacity() + 1, counting(0)));
        assertEquals(ServingException.Kind.NO_ROOM, refused.kind());
        assertTrue(refused.getMessage().startsWith("the test's answer needs about"), refused.getMessage());
        assertEquals(0, builds.get(), "nothing built");
    }

    /**
     * Issue 61: readers who take their answers slowly, each of a build of its own, held a copy each outside the budget
     * until the heap was full. A built answer's bytes now stay in the budget, and only they (not the build's estimate),
     * until the last request that shares them has written them.
     */
    @Test
    void aBuiltAnswerHoldsItsOwnSizeOfTheBudgetUntilItsLastReaderHasWrittenIt() throws Exception {
        SharedAnswer answer = new SharedAnswer(budget, "the test's answer");
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch written = new CountDownLatch(1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<?> slow = pool.submit(() -> {
                answer.write(budget.capacity() / 2, counting(0), bytes -> {
                    writing.countDown();
                    try {
                        written.await(); // a client that takes its answer slowly
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                return null;
            });
            assertTrue(writing.await(30, TimeUnit.SECONDS), "the answer was built");
            try (MemoryBudget.Reservation other = budget.open()) {
                assertFalse(other.tryGrow(budget.capacity()), "the answer's bytes are held while it is written");
                assertTrue(
                        other.tryGrow(budget.capacity() - 8192 - 1),
                        "and only they (their buffer's 8 KiB): the build's estimate was given back once it was built");
            }
            written.countDown();
            slow.get(30, TimeUnit.SECONDS);
            try (MemoryBudget.Reservation other = budget.open()) {
                assertTrue(other.tryGrow(budget.capacity()), "all given back once written");
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
