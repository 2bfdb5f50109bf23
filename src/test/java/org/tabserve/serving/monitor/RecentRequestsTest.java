package org.tabserve.serving.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The models page's recent figures: counts, p50 and p99 of known latencies, and the window moving on, on a clock the
 * test sets; the last hour minute by minute, for the page's sparklines.
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
        recent.record(start, true, 0.01); // the bucket of 0–10 s
        recent.record(start + 20 * SECOND, false, 0.01); // the bucket of 20–30 s
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

    private static final long MINUTE = 60 * SECOND;

    @Test
    void theLastHourGivesEachMinuteItsOwnCountsAndP99OldestFirst() {
        RecentRequests hour = RecentRequests.lastHour();
        long start = 10_000 * MINUTE + 5 * SECOND;
        for (int i = 0; i < 10; i++) {
            hour.record(start, i == 0, 0.002); // minute 0: ten of 2 ms, one an error
        }
        hour.record(start + 2 * MINUTE, false, 0.3); // minute 2: one of 300 ms
        hour.record(start + 2 * MINUTE + 50 * SECOND, false, 500); // and one past the last bound
        long now = start + 3 * MINUTE;
        List<RecentRequests.Window> minutes = hour.buckets(now);
        assertEquals(RecentRequests.HOUR_BUCKETS, minutes.size());
        RecentRequests.Window first = minutes.get(minutes.size() - 4);
        assertEquals(10, first.requests(), "three minutes before the one under way");
        assertEquals(1, first.errors());
        assertEquals(0.002, first.p99(), 1e-12);
        assertEquals(0, minutes.get(minutes.size() - 3).requests(), "a quiet minute");
        assertTrue(Double.isNaN(minutes.get(minutes.size() - 3).p99()), "no requests, no p99");
        RecentRequests.Window second = minutes.get(minutes.size() - 2);
        assertEquals(2, second.requests());
        assertEquals(Double.POSITIVE_INFINITY, second.p99(), "the 99th of two is past the last bound");
        assertEquals(0, minutes.get(minutes.size() - 1).requests(), "the minute under way, nothing yet");
        assertEquals(
                12, minutes.stream().mapToLong(RecentRequests.Window::requests).sum());
        assertEquals(12, hour.window(now).requests(), "the whole ring is the hour");

        long hourLater = start + 60 * MINUTE;
        List<RecentRequests.Window> later = hour.buckets(hourLater);
        assertEquals(2, later.get(1).requests(), "minute 2 is now 58 minutes before the one under way: still in");
        assertEquals(
                2, later.stream().mapToLong(RecentRequests.Window::requests).sum(), "minute 0 has left the hour");
        hour.record(hourLater, false, 0.001); // minute 60 reuses minute 0's slot: zeroed, not added to
        assertEquals(
                1, hour.buckets(hourLater).get(RecentRequests.HOUR_BUCKETS - 1).requests());
        assertEquals(
                0, hour.buckets(hourLater).get(RecentRequests.HOUR_BUCKETS - 1).errors());
    }

    @Test
    void theActivityOfAModelGivesItsLastHourByMinuteOnTheSameClockAsItsWindow() {
        AtomicLong nanos = new AtomicLong(1_000 * MINUTE);
        ModelActivity activity = new ModelActivity(nanos::get, Clock.systemUTC());
        assertEquals(RecentRequests.HOUR_BUCKETS, activity.of("iris").lastHour().size(), "an hour of nothing");
        assertTrue(activity.of("iris").lastHour().stream().allMatch(w -> w.requests() == 0));
        activity.request("iris", false, 0.004);
        activity.request("iris", true, 0.004);
        nanos.addAndGet(10 * MINUTE);
        activity.request("iris", false, 0.021);
        ModelActivity.Summary summary = activity.of("iris");
        assertEquals(1, summary.recent().requests(), "the five minutes have only the last one");
        List<RecentRequests.Window> hour = summary.lastHour();
        assertEquals(2, hour.get(49).requests(), "ten minutes ago");
        assertEquals(1, hour.get(49).errors());
        assertEquals(1, hour.get(59).requests(), "the minute under way");
        assertEquals(0.0251, hour.get(59).p99(), 1e-12, "21 ms is in the bucket of 20 to 25.1 ms");
    }

    /**
     * Issue 66, item 6: a model's first 10 requests after each load (a fresh server's cold ones) are counted, errors
     * too, but not timed into its p50 and p99, so that two cold requests of 2 s do not make a model that answers in
     * 3 ms red for five minutes; a reload starts the warm-up again. Counted, not timed: no clock decides it.
     */
    @Test
    void aModelsFirstTenRequestsAfterEachLoadAreCountedButNotTimed() {
        AtomicLong nanos = new AtomicLong(1_000 * MINUTE);
        ModelActivity activity = new ModelActivity(nanos::get, Clock.systemUTC());
        activity.loaded("iris", 0.25);
        activity.request("iris", false, 2.0); // the JVM's first run of the route
        activity.request("iris", true, 1.5); // and a cold error
        for (int i = 0; i < 8; i++) {
            activity.request("iris", false, 0.003);
        }
        RecentRequests.Window warming = activity.of("iris").recent();
        assertEquals(10, warming.requests());
        assertEquals(1, warming.errors(), "the warm-up's errors count");
        assertEquals(0, warming.timed());
        assertTrue(Double.isNaN(warming.p99()), "no p99 yet: " + warming.p99());
        for (int i = 0; i < 20; i++) {
            activity.request("iris", false, 0.003);
        }
        RecentRequests.Window warm = activity.of("iris").recent();
        assertEquals(30, warm.requests());
        assertEquals(20, warm.timed());
        assertEquals(0.00316, warm.p99(), 1e-12, "3 ms, in the bucket of 2.51 to 3.16 ms: not the cold 2 s");
        assertEquals(
                20,
                activity.of("iris")
                        .lastHour()
                        .get(RecentRequests.HOUR_BUCKETS - 1)
                        .timed());

        activity.loaded("iris", 0.25); // a new version: cold again
        activity.request("iris", false, 2.0);
        assertEquals(0.00316, activity.of("iris").recent().p99(), 1e-12, "the reload's first request is its warm-up");
        assertEquals(31, activity.of("iris").recent().requests());
    }
}
