package org.tabserve.serving.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tabserve.model.Model;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.Prediction;
import org.tabserve.repository.Lease;
import org.tabserve.repository.ModelRepository;
import org.tabserve.repository.RepositoryListener;
import org.tabserve.repository.RepositoryOptions;
import org.tabserve.serving.budget.MemoryBudget;
import org.tabserve.serving.budget.MemoryBudgetSeam;
import org.tabserve.testing.BankNotes;
import org.tabserve.testing.ModelDirectory;

/**
 * The comparison's thread on real models (the bundled bank-note model as version 1, skl2onnx's fixed-batch-4 bank-note
 * classifier as version 2: other input names, other weights): a batch checked for one version is scored on the other
 * as that one takes it, and compared; while the thread is held, offers return at once and what does not fit the
 * queue is counted as skipped, as is a batch too large to hold.
 */
class ShadowScorerTest {

    private static ModelDirectory dir;
    private static ModelRepository repository;

    @BeforeAll
    static void load() throws Exception {
        dir = ModelDirectory.withFourModels();
        dir.copy(ModelDirectory.PENGUINS.resolve("fixed-batch-4.onnx"), "banknote/2/model.onnx");
        repository = new ModelRepository(RepositoryOptions.of(dir.root()), RepositoryListener.NONE);
        repository.start().join();
        assertEquals(List.of(1L, 2L), repository.readyVersions("banknote"));
    }

    @AfterAll
    static void close() {
        repository.close();
    }

    private static Batch notes(int count) {
        try (Lease lease = repository.lease("banknote", 1)) {
            double[][] rows = BankNotes.mixed(count).stream()
                    .map(n -> BankNotes.FEATURES.stream().mapToDouble(n::value).toArray())
                    .toArray(double[][]::new);
            return Batch.ofNumbers(lease.model().signature(), rows);
        }
    }

    @Test
    void aBatchOfOneVersionIsScoredOnTheOtherAsItTakesItAndCompared() throws Exception {
        Batch batch = notes(50);
        List<Prediction> byTwo;
        try (Lease two = repository.lease("banknote", 2)) {
            Model other = two.model();
            assertTrue(!batch.signature().equals(other.signature()), "the versions' signatures differ");
            byTwo = other.predict(ShadowScorer.forModel(batch, other));
            assertEquals(
                    other.predict(BankNotes.mixed(50).stream()
                            .map(n -> BankNotes.FEATURES.stream()
                                    .mapToDouble(n::value)
                                    .toArray())
                            .toArray(double[][]::new)),
                    byTwo,
                    "the same rows, checked again for version 2");
        }
        try (ShadowScorer scorer = new ShadowScorer(repository, MemoryBudget.ofHeap())) {
            VersionComparison comparison = new VersionComparison("shadow", 1, 2);
            scorer.offer("banknote", comparison, batch, 1, byOne(batch));
            awaitCompared(comparison, 50);
            assertEquals(0, comparison.errors(1) + comparison.errors(2));
            assertTrue(comparison.agreement() > 0.5, "both tell genuine from forged: " + comparison.json());
            assertTrue(
                    comparison.latencyQuantile(1, 0.5) > 0 && comparison.latencyQuantile(2, 0.5) > 0,
                    "the first batch times both versions: " + comparison.json());
            VersionComparison canary = new VersionComparison("canary", 1, 2);
            scorer.offer("banknote", canary, batch, 2, byTwo); // answered by the candidate: version 1 is scored
            awaitCompared(canary, 50);
            assertEquals(comparison.agreement(), canary.agreement(), "the same rows, the same comparison");
            assertEquals(comparison.differenceQuantile(0.99), canary.differenceQuantile(0.99));
        }
    }

    @Test
    void aFullQueueSkipsAndCountsWithoutWaiting() throws Exception {
        try (ShadowScorer scorer = new ShadowScorer(repository, 2, MemoryBudget.ofHeap())) {
            VersionComparison comparison = new VersionComparison("shadow", 1, 2);
            CountDownLatch resume = scorer.pause();
            Batch one = notes(1);
            for (int i = 0; i < 10; i++) {
                // would never return if it waited for the held thread
                scorer.offer("banknote", comparison, one, 1, byOne(one));
            }
            Batch large = notes(ShadowScorer.MAX_ROWS + 1);
            scorer.offer("banknote", comparison, large, 1, byOne(large));
            assertEquals(8 + 1, comparison.skippedCount(), "8 past the queue of 2, and one batch too large");
            assertEquals(0, comparison.compared(), "the thread is held");
            resume.countDown();
            awaitCompared(comparison, 2);
            assertEquals(9L, comparison.json().get("skipped"));
        }
    }

    /** Issue 47: what waits to be compared holds room in the budget requests share, within its share, or is skipped. */
    @Test
    void queuedBatchesReserveFromTheBudgetWithinTheirShareAndWhatFindsNoRoomIsSkippedAndCounted() throws Exception {
        Batch batch = notes(50);
        long one = ShadowScorer.heldBytes(batch);
        MemoryBudget budget = MemoryBudgetSeam.of(ShadowScorer.BUDGET_SHARE_DIVISOR * (one + one / 2));
        try (ShadowScorer scorer = new ShadowScorer(repository, ShadowScorer.QUEUE, budget)) {
            VersionComparison comparison = new VersionComparison("shadow", 1, 2);
            CountDownLatch resume = scorer.pause();
            for (int i = 0; i < 3; i++) {
                scorer.offer("banknote", comparison, batch, 1, byOne(batch));
            }
            assertEquals(one, MemoryBudgetSeam.used(budget), "one batch fits the scorer's share of the budget");
            assertEquals(2, comparison.skippedCount(), "the share is full: the next two are skipped");
            try (MemoryBudget.Reservation requests = budget.open()) {
                requests.grow(budget.capacity() - one);
                scorer.offer("banknote", comparison, notes(1), 1, byOne(notes(1)));
                assertEquals(
                        3, comparison.skippedCount(), "requests hold the rest: no room, skipped, never waited for");
            }
            resume.countDown();
            awaitCompared(comparison, 50);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (MemoryBudgetSeam.used(budget) > 0) {
                assertTrue(System.nanoTime() < deadline, "the compared batch's room was never given back");
                Thread.sleep(10);
            }
        }
    }

    @Test
    void aVersionThatIsNotReadyIsCountedAsItsError() throws Exception {
        try (ShadowScorer scorer = new ShadowScorer(repository, MemoryBudget.ofHeap())) {
            VersionComparison comparison = new VersionComparison("shadow", 1, 7);
            Batch three = notes(3);
            scorer.offer("banknote", comparison, three, 1, byOne(three));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (comparison.errors(7) == 0) {
                assertTrue(System.nanoTime() < deadline, "never counted");
                Thread.sleep(10);
            }
            assertEquals(0, comparison.compared());
        }
    }

    /** @return version 1's answers to {@code batch}, as a request it answered had them */
    private static List<Prediction> byOne(Batch batch) {
        try (Lease lease = repository.lease("banknote", 1)) {
            return lease.model().predict(batch);
        }
    }

    private static void awaitCompared(VersionComparison comparison, long rows) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (comparison.compared() < rows) {
            assertTrue(System.nanoTime() < deadline, "never compared: " + comparison.json());
            Thread.sleep(10);
        }
        assertEquals(rows, comparison.compared());
    }
}
