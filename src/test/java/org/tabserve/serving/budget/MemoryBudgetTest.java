package org.tabserve.serving.budget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.tabserve.rows.RowsFixtures;
import org.tabserve.rows.csv.CsvRowsParser;

/** Requests share the budget: past it they wait, then get 503; one that alone exceeds it gets 413; closing frees. */
class MemoryBudgetTest {

    @Test
    void reservationsShareTheCapacityAndClosingGivesItBack() {
        MemoryBudget budget = new MemoryBudget(1_000);
        try (MemoryBudget.Reservation a = budget.open();
                MemoryBudget.Reservation b = budget.open()) {
            a.grow(600);
            assertFalse(b.tryGrow(500), "600 + 500 is over 1,000");
            assertTrue(b.tryGrow(400));
            assertEquals(1_000, budget.used());
            a.releaseAll();
            assertEquals(400, budget.used());
            assertTrue(a.tryGrow(600));
        }
        assertEquals(0, budget.used());
    }

    /**
     * The wait of a budget whose waits must run out (no one gives room back): the same wait and refusal as the
     * shipped {@link MemoryBudget#WAIT}'s, without five idle seconds a test.
     */
    private static final java.time.Duration RUNS_OUT = java.time.Duration.ofMillis(500);

    @Test
    void withNoRoomARequestWaitsThenGets503WithRetryAfter() {
        MemoryBudget budget = new MemoryBudget(1_000, RUNS_OUT);
        try (MemoryBudget.Reservation hog = budget.open();
                MemoryBudget.Reservation late = budget.open()) {
            hog.grow(1_000);
            long start = System.nanoTime();
            ServingException problem = assertThrows(ServingException.class, () -> late.grow(1));
            assertEquals(ServingException.Kind.BUSY, problem.kind()); // 503 with Retry-After: 1
            assertTrue(System.nanoTime() - start >= RUNS_OUT.toNanos() * 9 / 10, "it waited first");
            assertTrue(
                    problem.getMessage().contains("40 % of the server's heap, which its JVM option -Xmx raises"),
                    problem.getMessage());
        }
    }

    @Test
    void requestsThatEachHoldAPartAndWaitForMoreLetTheOldestThrough() throws Exception {
        // Three uploads hold 300 each of 1,000 and each wants 300 more, as parsers that grow while they read do.
        // Before, all three waited for room that none would give back, and all three were answered 503.
        MemoryBudget budget = new MemoryBudget(1_000);
        MemoryBudget.Reservation oldest = budget.open();
        MemoryBudget.Reservation middle = budget.open();
        MemoryBudget.Reservation youngest = budget.open();
        for (MemoryBudget.Reservation r : new MemoryBudget.Reservation[] {oldest, middle, youngest}) {
            r.grow(300);
        }
        java.util.List<CompletableFuture<String>> outcomes = new java.util.ArrayList<>();
        for (MemoryBudget.Reservation r : new MemoryBudget.Reservation[] {oldest, middle, youngest}) {
            outcomes.add(CompletableFuture.supplyAsync(() -> {
                try (r) {
                    r.grow(300);
                    Thread.sleep(50); // the request's work, then it ends and gives everything back
                    return "whole";
                } catch (ServingException e) {
                    return e.kind().name();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        assertEquals("whole", outcomes.get(0).get(30, TimeUnit.SECONDS), "the oldest request gets through");
        for (CompletableFuture<String> outcome : outcomes) {
            String got = outcome.get(30, TimeUnit.SECONDS);
            assertTrue(got.equals("whole") || got.equals("BUSY"), got);
        }
        assertEquals(0, budget.used());
    }

    @Test
    void roomGoesToTheOldestWaiterFirst() throws Exception {
        MemoryBudget budget = new MemoryBudget(1_000);
        MemoryBudget.Reservation hog = budget.open();
        hog.grow(1_000);
        MemoryBudget.Reservation first = budget.open();
        MemoryBudget.Reservation second = budget.open();
        CompletableFuture<Void> firstWaits = CompletableFuture.runAsync(() -> first.grow(800));
        while (budget.waiters() < 1) {
            Thread.onSpinWait();
        }
        CompletableFuture<Void> secondWaits = CompletableFuture.runAsync(() -> second.grow(800));
        while (budget.waiters() < 2) {
            Thread.onSpinWait();
        }
        hog.close();
        firstWaits.get(30, TimeUnit.SECONDS);
        assertEquals(800, budget.used(), "the first to wait got the room");
        ServingException late =
                assertThrows(java.util.concurrent.ExecutionException.class, () -> secondWaits.get(30, TimeUnit.SECONDS))
                                        .getCause()
                                instanceof ServingException e
                        ? e
                        : null;
        assertEquals(ServingException.Kind.BUSY, late == null ? null : late.kind());
        first.close();
        second.close();
    }

    @Test
    void aWaitingRequestGoesOnAsSoonAsAnotherGivesBack() throws Exception {
        MemoryBudget budget = new MemoryBudget(1_000);
        MemoryBudget.Reservation hog = budget.open();
        hog.grow(900);
        CompletableFuture<Long> waiter = CompletableFuture.supplyAsync(() -> {
            try (MemoryBudget.Reservation late = budget.open()) {
                late.grow(500);
                return budget.used();
            }
        });
        Thread.sleep(100);
        assertFalse(waiter.isDone());
        hog.close();
        assertEquals(500, waiter.get(MemoryBudget.WAIT.toSeconds(), TimeUnit.SECONDS));
    }

    @Test
    void anAnswerBuiltFromAModelThatAloneNeedsMoreThanTheWholeBudgetIs503AtOnceSayingToGiveTheJvmMoreHeap() {
        MemoryBudget budget = new MemoryBudget(10L << 20);
        try (MemoryBudget.Reservation page = budget.open()) {
            ServingException problem = assertThrows(
                    ServingException.class, () -> page.growForAnswer(11L << 20, "the card page of model big"));
            // 503 without Retry-After: the client's request is fine (not a 4xx), and trying again will not help
            assertEquals(ServingException.Kind.NO_ROOM, problem.kind());
            assertTrue(
                    problem.getMessage().contains("the card page of model big needs about 11 MB")
                            && problem.getMessage().contains("-Xmx"),
                    problem.getMessage());
            assertEquals(0, budget.used());
            page.growForAnswer(10L << 20, "the card page of model big");
            assertEquals(10L << 20, budget.used(), "one that fits takes its share as grow does");
        }
    }

    @Test
    void anAnswerIsBuiltHoldingItsShareWhichIsGivenBackAfterEvenWhenTheBuildFails() {
        MemoryBudget budget = new MemoryBudget(1_000);
        assertEquals("page", budget.buildAnswer(600, "the form of model m", () -> {
            assertEquals(600, budget.used(), "held while the answer is built");
            return "page";
        }));
        assertEquals(0, budget.used());
        assertThrows(
                IllegalStateException.class,
                () -> budget.buildAnswer(600, "the form of model m", () -> {
                    throw new IllegalStateException("the template failed");
                }));
        assertEquals(0, budget.used());
        ServingException tooBig = assertThrows(
                ServingException.class, () -> budget.buildAnswer(2_000, "the form of model m", () -> "never built"));
        assertEquals(ServingException.Kind.NO_ROOM, tooBig.kind());
        assertTrue(tooBig.getMessage().startsWith("the form of model m needs about"), tooBig.getMessage());
    }

    @Test
    void aRequestThatAloneNeedsMoreThanTheWholeBudgetIs413AtOnce() {
        MemoryBudget budget = new MemoryBudget(1_000);
        try (MemoryBudget.Reservation big = budget.open()) {
            ServingException problem = assertThrows(ServingException.class, () -> big.grow(1_001));
            assertEquals(ServingException.Kind.TOO_LARGE, problem.kind());
            assertTrue(
                    problem.getMessage().contains("40 % of the server's heap, which its JVM option -Xmx raises"),
                    problem.getMessage());
            assertEquals(0, budget.used());
        }
    }

    @Test
    void aMeteredBodyTakesItsShareOnlyPastTheFreeBytes() throws IOException {
        MemoryBudget budget = new MemoryBudget(1_000_000);
        try (MemoryBudget.Reservation held = budget.open()) {
            InputStream body = held.metered(new ByteArrayInputStream(new byte[3_000]), 1_000, 16);
            body.read(new byte[800]);
            assertEquals(0, budget.used());
            body.read(new byte[800]);
            assertEquals(600 * 16, budget.used());
            body.readAllBytes();
            assertEquals(2_000 * 16, budget.used());
        }
        assertEquals(0, budget.used());
    }

    /**
     * Issue 47: a body of declared length takes all it will cost before it is read, and nothing more as it is; a
     * second one that does not fit beside it waits holding nothing (grown as they arrived, each held part and waited
     * for the rest), and goes on once the first is done.
     */
    @Test
    void aBodyOfDeclaredLengthTakesItsShareUpFrontAndASecondWaitsHoldingNothing() throws Exception {
        MemoryBudget budget = new MemoryBudget(50_000);
        MemoryBudget.Reservation first = budget.open();
        InputStream body = first.meteredUpFront(new ByteArrayInputStream(new byte[3_000]), 3_000, 1_000, 16);
        assertEquals(2_000 * 16, budget.used(), "taken before the first byte is read");
        CompletableFuture<Long> second = CompletableFuture.supplyAsync(() -> {
            try (MemoryBudget.Reservation late = budget.open()) {
                late.meteredUpFront(new ByteArrayInputStream(new byte[3_000]), 3_000, 1_000, 16)
                        .readAllBytes();
                return budget.used();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Thread.sleep(200);
        assertFalse(second.isDone());
        assertEquals(2_000 * 16, budget.used(), "the second holds nothing while it waits");
        body.readAllBytes();
        assertEquals(2_000 * 16, budget.used(), "the declared bytes cost nothing more as they are read");
        first.close();
        assertEquals(2_000 * 16, second.get(5, TimeUnit.SECONDS), "the second went on once the first was done");
        assertEquals(0, budget.used());
        try (MemoryBudget.Reservation unknown = budget.open()) {
            unknown.meteredUpFront(new ByteArrayInputStream(new byte[3_000]), -1, 1_000, 16)
                    .read(new byte[1_500]);
            assertEquals(500 * 16, budget.used(), "without a declared length, as metered");
        }
        try (MemoryBudget.Reservation large = budget.open()) {
            InputStream metered = large.meteredUpFront(new ByteArrayInputStream(new byte[5_000]), 5_000, 1_000, 16);
            assertEquals(
                    0,
                    budget.used(),
                    "more than the whole budget: metered as it arrives, for its parser to"
                            + " refuse it sooner if it can");
            ServingException problem = assertThrows(ServingException.class, metered::readAllBytes);
            assertEquals(ServingException.Kind.TOO_LARGE, problem.kind(), "413 where it passes the budget");
        }
    }

    /** A body read without waiting (gRPC's non-blocking reads) finds no room: the same 503 at once, nothing taken. */
    @Test
    void aBodyMeteredWithoutWaitingIsTheBudgets503AtOnceWhenThereIsNoRoom() throws IOException {
        MemoryBudget budget = new MemoryBudget(10_000);
        try (MemoryBudget.Reservation hog = budget.open();
                MemoryBudget.Reservation late = budget.open()) {
            hog.grow(9_000);
            InputStream body = late.meteredWithoutWaiting(new ByteArrayInputStream(new byte[2_000]), 1_000, 2);
            body.read(new byte[1_200]);
            assertEquals(9_400, budget.used(), "room for the first 200 metered bytes");
            long start = System.nanoTime();
            ServingException busy = assertThrows(ServingException.class, () -> body.read(new byte[800]));
            assertTrue(System.nanoTime() - start < MemoryBudget.WAIT.toNanos() / 2, "refused without waiting");
            assertEquals(ServingException.Kind.BUSY, busy.kind());
            assertTrue(
                    busy.getMessage().startsWith("the server is busy with other large requests; try again shortly"),
                    busy.getMessage());
            assertEquals(9_400, budget.used());
        }
        assertEquals(0, budget.used());
    }

    /**
     * A CSV row near the rows layer's limit, read with its heap reserved here as an upload does, while other requests
     * hold the whole budget: the budget's 503 with Retry-After, through the parser.
     */
    @Test
    void aLongCsvRowWithoutRoomInTheBudgetIsTheBudgets503() throws IOException {
        String header = "variance,skewness,curtosis,entropy\n";
        MemoryBudget budget = new MemoryBudget(MemoryBudget.ofHeap().capacity(), RUNS_OUT);
        try (var others = budget.open();
                var held = budget.open()) {
            others.grow(budget.capacity() - (1 << 20)); // one MB left: a short row's parse needs none of it
            CsvRowsParser parser =
                    new CsvRowsParser(RowsFixtures.SIGNATURE, Long.MAX_VALUE).reservingRowMemory(held::grow);
            parser.validate(new java.io.ByteArrayInputStream(
                    (header + "1,2,3,4\n").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            String row = "1,2,3,4" + ("," + "x".repeat(65_000)).repeat(15) + "\n";
            ServingException problem = assertThrows(
                    ServingException.class,
                    () -> parser.validate(new java.io.ByteArrayInputStream(
                            (header.replace("\n", ",a,b,c,d,e,f,g,h,i,j,k,l,m,n,o\n") + row)
                                    .getBytes(java.nio.charset.StandardCharsets.UTF_8))));
            assertEquals(ServingException.Kind.BUSY, problem.kind(), problem.getMessage());
        }
    }

    @Test
    void whatIsSetAsideForThePredictionLogsQueueIsNoLongerRequestsAndAtMostHalf() {
        MemoryBudget budget = new MemoryBudget(1_000).setAside(125, "tabserve.prediction-log-queue-bytes");
        assertEquals(875, budget.capacity());
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> new MemoryBudget(1_000).setAside(501, "tabserve.prediction-log-queue-bytes"));
        assertTrue(
                e.getMessage().contains("tabserve.prediction-log-queue-bytes")
                        && e.getMessage().contains("-Xmx"),
                e.getMessage());
    }
}
