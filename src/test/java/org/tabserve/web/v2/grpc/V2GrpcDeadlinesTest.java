package org.tabserve.web.v2.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The gRPC deadline timer: a call's deadline queues behind the tick (so that scheduling it wakes no thread), every
 * deadline still fires, shorter and longer than the tick alike, and a cancelled one leaves the queue at once.
 */
class V2GrpcDeadlinesTest {

    private final ScheduledExecutorService timer = V2GrpcDeadlines.start();

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    private ScheduledThreadPoolExecutor pool() {
        return (ScheduledThreadPoolExecutor) timer;
    }

    @Test
    void aThirtySecondDeadlineQueuesBehindTheTickAtTheHead() {
        ScheduledFuture<?> deadline = timer.schedule(() -> {}, 30, TimeUnit.SECONDS);
        Delayed head = (Delayed) pool().getQueue().peek();
        assertTrue(
                head != deadline && head.getDelay(TimeUnit.MILLISECONDS) <= V2GrpcDeadlines.TICK_MILLIS,
                "the head is due within a tick: " + head.getDelay(TimeUnit.MILLISECONDS) + " ms");
        deadline.cancel(false);
    }

    @Test
    void deadlinesShorterAndLongerThanTheTickBothFireNoEarlierThanDue() throws InterruptedException {
        long[] delays = {50, V2GrpcDeadlines.TICK_MILLIS + 150};
        for (long delay : delays) {
            CountDownLatch fired = new CountDownLatch(1);
            long start = System.nanoTime();
            long[] firedAfter = new long[1];
            timer.schedule(
                    () -> {
                        firedAfter[0] = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                        fired.countDown();
                    },
                    delay,
                    TimeUnit.MILLISECONDS);
            assertTrue(fired.await(30, TimeUnit.SECONDS), "a " + delay + " ms deadline never fired"); // a hang guard
            assertTrue(firedAfter[0] >= delay, "a " + delay + " ms deadline fired after " + firedAfter[0] + " ms");
        }
    }

    @Test
    void cancelledDeadlinesLeaveTheQueueAtOnce() {
        List<ScheduledFuture<?>> deadlines = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            deadlines.add(timer.schedule(() -> {}, 30, TimeUnit.SECONDS));
        }
        deadlines.forEach(deadline -> deadline.cancel(false));
        assertEquals(1, pool().getQueue().size(), "only the tick is left queued");
    }

    @Test
    void itsThreadIsADaemonAndStopsWithTheTimer() throws InterruptedException {
        Thread[] thread = new Thread[1];
        CountDownLatch ran = new CountDownLatch(1);
        timer.execute(() -> {
            thread[0] = Thread.currentThread();
            ran.countDown();
        });
        assertTrue(ran.await(30, TimeUnit.SECONDS));
        assertTrue(thread[0].isDaemon(), "a daemon thread, which never holds the JVM up");
        timer.shutdownNow();
        assertTrue(timer.awaitTermination(30, TimeUnit.SECONDS), "the timer stops when shut down");
    }
}
