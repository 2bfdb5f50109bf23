package org.tabserve.serving.explanations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.tabserve.model.answer.ClientWatch;
import org.tabserve.serving.budget.ServingException;
import org.tabserve.serving.monitor.ModelConcurrencySeam;
import org.tabserve.serving.monitor.TabserveMetrics;

/**
 * A request waiting for an explanation thread is counted as queued under its model until its work starts, and one that
 * finds the threads busy and the queue full is counted as refused under its model: with one thread and a queue of one,
 * the first request's work is held on a latch while the second waits and the third is refused.
 */
class ExplanationQueueMetricsTest {

    @Test
    void aRequestWaitingForAnExplanationThreadIsQueuedUnderItsModelAndOneFindingNoRoomIsRefused() throws Exception {
        TabserveMetrics metrics = new TabserveMetrics();
        ModelConcurrencySeam.loaded(metrics.concurrency(), "penguins");
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(1);
        try (ExplanationPool pool = new ExplanationPool(new ExplanationLimits(1, 1, 1_000), metrics)) {
            CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> pool.run(
                    "penguins",
                    meter -> {
                        running.countDown();
                        await(release);
                        return "first";
                    },
                    ClientWatch.NONE));
            assertTrue(running.await(10, TimeUnit.SECONDS));
            CompletableFuture<String> second =
                    CompletableFuture.supplyAsync(() -> pool.run("penguins", meter -> "second", ClientWatch.NONE));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!scrape(metrics).contains("tabserve_model_requests_queued{model=\"penguins\"} 1.0")) {
                assertTrue(System.nanoTime() < deadline, scrape(metrics));
                Thread.sleep(10);
            }

            ServingException busy = assertThrows(
                    ServingException.class, () -> pool.run("penguins", meter -> "third", ClientWatch.NONE));

            assertEquals(ServingException.Kind.BUSY, busy.kind());
            String refused = "tabserve_model_requests_refused_total{model=\"penguins\",reason=\"explanations\"} 1.0";
            assertTrue(scrape(metrics).contains(refused), scrape(metrics));
            release.countDown();
            assertEquals("first", first.get(10, TimeUnit.SECONDS));
            assertEquals("second", second.get(10, TimeUnit.SECONDS));
            assertTrue(
                    scrape(metrics).contains("tabserve_model_requests_queued{model=\"penguins\"} 0.0"),
                    scrape(metrics));
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String scrape(TabserveMetrics metrics) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, metrics.registry().scrape());
        return out.toString(StandardCharsets.UTF_8);
    }
}
