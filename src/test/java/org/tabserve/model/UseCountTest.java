package org.tabserve.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The closing action runs once, after the owner and the last user have let go, and never while a user holds on. */
class UseCountTest {

    @Test
    void theOwnerLettingGoWhileAUserHoldsOnLeavesItOpenUntilThatUserReleases() {
        AtomicInteger closed = new AtomicInteger();
        UseCount uses = new UseCount(closed::incrementAndGet);
        assertTrue(uses.acquire());
        uses.releaseOwner();
        assertTrue(uses.ownerReleased());
        assertEquals(0, closed.get(), "a user is still inside");
        assertFalse(uses.acquire(), "once the owner has let go, no new user may come in");
        uses.release();
        assertEquals(1, closed.get());
        assertTrue(uses.closed());
    }

    @Test
    void withNoUserTheOwnerLettingGoClosesAtOnceAndOnlyOnce() {
        AtomicInteger closed = new AtomicInteger();
        UseCount uses = new UseCount(closed::incrementAndGet);
        uses.releaseOwner();
        uses.releaseOwner();
        assertEquals(1, closed.get());
        assertFalse(uses.acquire());
        assertThrows(IllegalStateException.class, uses::release, "a release nobody acquired is a bug, said loudly");
    }

    @Test
    void underManyThreadsTheActionRunsOnceAndOnlyAfterEveryUserIsOut() throws Exception {
        for (int round = 0; round < 200; round++) {
            AtomicInteger inside = new AtomicInteger();
            AtomicInteger closedWhileInside = new AtomicInteger();
            AtomicInteger closed = new AtomicInteger();
            UseCount uses = new UseCount(() -> {
                closed.incrementAndGet();
                closedWhileInside.addAndGet(inside.get());
            });
            ExecutorService pool = Executors.newFixedThreadPool(4);
            CountDownLatch go = new CountDownLatch(1);
            for (int t = 0; t < 4; t++) {
                pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < 100; i++) {
                        if (uses.acquire()) {
                            inside.incrementAndGet();
                            Thread.onSpinWait();
                            inside.decrementAndGet();
                            uses.release();
                        }
                    }
                    return null;
                });
            }
            go.countDown();
            uses.releaseOwner();
            pool.shutdown();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
            assertEquals(1, closed.get(), "round " + round);
            assertEquals(0, closedWhileInside.get(), "round " + round);
        }
    }
}
