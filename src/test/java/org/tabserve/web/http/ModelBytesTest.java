package org.tabserve.web.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Answers built from a model version are built once, by the first request, while the others wait for it and share
 * its bytes; a reload or an unload drops them, a failed build is tried again, and what is kept stays under the
 * capacity.
 */
class ModelBytesTest {

    private final Object model = new Object();

    /** A build that counts its runs. */
    private static Supplier<byte[]> counted(AtomicInteger builds, int size) {
        return () -> {
            builds.incrementAndGet();
            return new byte[size];
        };
    }

    @Test
    void eightConcurrentRequestsCostOneBuildAndShareItsBytes() throws Exception {
        ModelBytes documents = new ModelBytes(1 << 20);
        AtomicInteger builds = new AtomicInteger();
        CountDownLatch building = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Supplier<byte[]> slow = () -> {
            builds.incrementAndGet();
            building.countDown();
            try {
                release.await(10, TimeUnit.SECONDS); // held until every request has asked
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new byte[1000];
        };
        ExecutorService requests = Executors.newFixedThreadPool(8);
        try {
            List<Future<byte[]>> answers = new ArrayList<>();
            answers.add(requests.submit(() -> documents.get("big", 1, model, " json", slow)));
            assertTrue(building.await(10, TimeUnit.SECONDS));
            for (int i = 1; i < 8; i++) {
                answers.add(requests.submit(() -> documents.get("big", 1, model, " json", slow)));
            }
            release.countDown();
            byte[] first = answers.get(0).get(10, TimeUnit.SECONDS);
            for (Future<byte[]> answer : answers) {
                assertSame(first, answer.get(10, TimeUnit.SECONDS), "every request shares the one build's bytes");
            }
        } finally {
            requests.shutdownNow();
        }
        assertEquals(1, builds.get());
        assertEquals(1000, documents.kept());
    }

    @Test
    void aVersionUnloadedOrReplacedIsForgottenAndBuiltAgainWhenAskedFor() {
        ModelBytes documents = new ModelBytes(1 << 20);
        AtomicInteger builds = new AtomicInteger();
        documents.get("a", 1, model, " json", counted(builds, 100));
        documents.get("a", 1, model, " yaml", counted(builds, 100));
        documents.get("a", 2, model, " json", counted(builds, 100));
        documents.get("b", 1, model, " json", counted(builds, 100));
        assertEquals(4, builds.get());
        assertEquals(400, documents.kept());

        documents.forget("a", 1); // as the repository's listener does when version 1 of a goes
        assertEquals(200, documents.kept(), "both answers of a version 1 are dropped, the others kept");
        documents.get("a", 2, model, " json", counted(builds, 100));
        documents.get("b", 1, model, " json", counted(builds, 100));
        assertEquals(4, builds.get(), "the other versions are still served from memory");
        documents.get("a", 1, model, " json", counted(builds, 100));
        assertEquals(5, builds.get());

        // A request still on a version's old load, or one before the listener was told: the loaded model decides.
        Object reloaded = new Object();
        documents.get("a", 1, reloaded, " json", counted(builds, 100));
        assertEquals(6, builds.get());
        assertEquals(300, documents.kept(), "the replaced model's answer is no longer counted");
    }

    @Test
    void reloadingAModelManyTimesKeepsOneAnswer() {
        ModelBytes documents = new ModelBytes(1 << 20);
        for (int reload = 0; reload < 100; reload++) {
            documents.forget("a", 1);
            documents.get("a", 1, new Object(), " json", () -> new byte[1000]);
        }
        assertEquals(1000, documents.kept());
    }

    @Test
    void aFailedBuildFailsItsRequestAndIsTriedAgainByTheNext() {
        ModelBytes documents = new ModelBytes(1 << 20);
        HttpProblem busy = HttpProblem.of(503, "Service unavailable", "busy");
        assertSame(
                busy,
                assertThrows(
                        HttpProblem.class,
                        () -> documents.get("a", 1, model, " json", () -> {
                            throw busy;
                        })));
        AtomicInteger builds = new AtomicInteger();
        assertEquals(10, documents.get("a", 1, model, " json", counted(builds, 10)).length);
        assertEquals(1, builds.get());
    }

    @Test
    void whatIsKeptStaysUnderTheCapacityTheLeastRecentlyUsedGoingFirst() {
        ModelBytes documents = new ModelBytes(250);
        AtomicInteger builds = new AtomicInteger();
        documents.get("a", 1, model, "", counted(builds, 100));
        documents.get("b", 1, model, "", counted(builds, 100));
        documents.get("a", 1, model, "", counted(builds, 100)); // a is used again: b is now the oldest
        documents.get("c", 1, model, "", counted(builds, 100));
        assertEquals(3, builds.get());
        assertEquals(200, documents.kept());
        documents.get("a", 1, model, "", counted(builds, 100));
        assertEquals(3, builds.get(), "a was kept");
        documents.get("b", 1, model, "", counted(builds, 100));
        assertEquals(4, builds.get(), "b went first");

        assertEquals(
                300,
                documents.get("big", 1, model, "", counted(builds, 300)).length,
                "an answer larger than the capacity is still answered");
        assertTrue(documents.kept() <= 250, "but never kept: " + documents.kept());
    }
}
