package org.tabserve.web.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.tabserve.serving.limits.MemoryBudget;
import org.tabserve.serving.limits.ServingException;

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
                    return answer.get(1 << 10, counting(300));
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
        assertEquals("build 1", new String(answer.get(1 << 10, counting(50)), StandardCharsets.UTF_8));
        long asked = System.nanoTime();
        assertEquals(
                "build 2",
                new String(answer.get(1 << 10, counting(50)), StandardCharsets.UTF_8),
                "what changed before the request is in its answer");
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - asked);
        assertTrue(waited >= 150, "a pause of four builds' time before the next: waited " + waited + " ms");
        assertTrue(waited < 5_000, "waited " + waited + " ms");
    }

    @Test
    void aBuildTheBudgetCannotHoldIsRefusedBeforeItStarts() {
        SharedAnswer answer = new SharedAnswer(budget, "the test's answer");
        ServingException refused =
                assertThrows(ServingException.class, () -> answer.get(budget.capacity() + 1, counting(0)));
        assertEquals(ServingException.Kind.NO_ROOM, refused.kind());
        assertTrue(refused.getMessage().startsWith("the test's answer needs about"), refused.getMessage());
        assertEquals(0, builds.get(), "nothing built");
    }
}
