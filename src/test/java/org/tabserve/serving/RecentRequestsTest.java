package org.tabserve.serving;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The models page's recent figures: counts, p50 and p99 of known latencies, and the window moving on, on a clock the
 * test sets.
 */
class RecentRequestsTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void countsRequestsAndErrorsAndGivesTheBucketBoundAtOrAboveTheirP50AndP99() {
        RecentRequests recent = new RecentRequests();
        long now = 1_000 * SECOND;
        // 100 requests: 98 of 2 ms, one of 40 ms and one of 900 ms; three of them errors.
        for (int i = 0; i < 98; i++) {
            recent.record(now, i < 3, 0.002);
        }
        recent.record(now, false, 0.040);
        recent.record(now, false, 0.900);
        RecentRequests.Window window = recent.window(now);
        assertEquals(100, window.requests());
        assertEquals(3, window.errors());
        assertEquals(0.002, window.p50(), 1e-12, "2 ms is a bound: the 50th of 100 is there");
        assertEquals(0.0501, window.p99(), 1e-12, "the 99th of 100 (40 ms) is in the bucket of 39.8 to 50.1 ms");
    }

    @Test
    void aLatencyBetweenBoundsIsGivenAsTheBoundAboveItAtMostAQuarterOver() {
        for (double seconds : new double[] {0.00013, 0.0021, 0.0333, 0.77, 4.2, 63}) {
            RecentRequests recent = new RecentRequests();
            recent.record(0, false, seconds);
            double p50 = recent.window(0).p50();
            assertTrue(p50 >= seconds && p50 <= seconds * 1.26, seconds + " s reported as " + p50);
        }
        RecentRequests slow = new RecentRequests();
        slow.record(0, false, 500);
        assertEquals(Double.POSITIVE_INFINITY, slow.window(0).p99(), "past the last bound");
        assertTrue(Double.isNaN(new RecentRequests().window(0).p50()), "no requests, no latency");
    }

    @Test
    void requestsOlderThanTheWindowDropOutBucketByBucket() {
        RecentRequests recent = new RecentRequests();
        long start = 7 * SECOND;
        recent.record(start, true, 0.01);                  // the bucket of 0–10 s
        recent.record(start + 20 * SECOND, false, 0.01);   // the bucket of 20–30 s
        assertEquals(2, recent.window(start + 20 * SECOND).requests());
        long window = RecentRequests.WINDOW_SECONDS * SECOND;
        assertEquals(2, recent.window(window - 1).requests(), "the first bucket is still inside the window");
        RecentRequests.Window later = recent.window(window);
        assertEquals(1, later.requests(), "five minutes on, the first bucket has left the window");
        assertEquals(0, later.errors());
        assertEquals(0, recent.window(window + 30 * SECOND).requests());
        // The ring comes round: the first bucket's slot is reused, its old counts (an error) zeroed, not added to.
        recent.record(window + 5 * SECOND, false, 0.02);
        RecentRequests.Window round = recent.window(window + 5 * SECOND);
        assertEquals(2, round.requests(), "the new one and the one of 20–30 s, still inside");
        assertEquals(0, round.errors());
        recent.record(start, true, 0.01); // a late request older than its slot's period now is not counted there
        assertEquals(0, recent.window(window + 5 * SECOND).errors());
    }

    @Test
    void theActivityOfAModelIsItsWindowAndItsLastLoadAndGoesWithIt() {
        AtomicLong nanos = new AtomicLong(100 * SECOND);
        Instant loadedAt = Instant.parse("2026-11-23T14:00:00Z");
        ModelActivity activity = new ModelActivity(nanos::get, Clock.fixed(loadedAt, ZoneOffset.UTC));
        activity.loaded("iris", 0.25);
        TabserveMetrics metrics = new TabserveMetrics(activity); // where a request's status decides an error
        metrics.request(TabserveMetrics.REST, "iris", "/api/predict", "POST", 200, 0.003);
        metrics.request(TabserveMetrics.REST, "iris", "/api/predict", "POST", 400, 0.001);
        metrics.request(TabserveMetrics.REST, "iris", "/api/predict", "POST", 503, 0.001);
        ModelActivity.Summary summary = activity.of("iris");
        assertEquals(3, summary.recent().requests());
        assertEquals(2, summary.recent().errors(), "a 400 and a 503 are errors, a 200 is not");
        assertEquals(loadedAt, summary.loadedAt());
        assertEquals(0.25, summary.loadSeconds());
        nanos.addAndGet(RecentRequests.WINDOW_SECONDS * SECOND);
        assertEquals(0, activity.of("iris").recent().requests(), "five minutes later");
        activity.forget("iris");
        assertNull(activity.of("iris").loadedAt());
    }
}
