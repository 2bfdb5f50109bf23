package org.tabserve.web.http.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The minimum rate of a body read ahead without a thread, on a clock of the test's own: the launcher's figures by
 * default and from the same settings, a trickle refused once the grace is over, a stall refused after a grace without
 * its quota, a body at the rate never, and the moment the timer must look again.
 */
class BodyRateTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void theLaunchersFiguresByDefaultAndFromItsSettings() {
        assertEquals(Optional.of(BodyRate.DEFAULT), BodyRate.resolve(key -> Optional.empty()));
        assertEquals(
                Optional.empty(),
                BodyRate.resolve(
                        key -> key.equals(BodyRate.NON_BLOCKING_BODIES) ? Optional.of("false") : Optional.empty()),
                "bodies read ahead blocking");
        assertEquals(new BodyRate(1024, Duration.ofSeconds(10)), BodyRate.DEFAULT);
        Map<String, String> given = Map.of(BodyRate.MIN_REQUEST_RATE, "2048", BodyRate.MIN_REQUEST_RATE_GRACE, "4");
        assertEquals(
                Optional.of(new BodyRate(2048, Duration.ofSeconds(4))),
                BodyRate.resolve(key -> Optional.ofNullable(given.get(key))));
        IllegalArgumentException zero = assertThrows(
                IllegalArgumentException.class,
                () -> BodyRate.resolve(
                        key -> key.equals(BodyRate.MIN_REQUEST_RATE_GRACE) ? Optional.of("0") : Optional.empty()));
        assertTrue(zero.getMessage().contains(BodyRate.MIN_REQUEST_RATE_GRACE), zero.getMessage());
        assertTrue(!new BodyRate(0, Duration.ofSeconds(10)).checks(), "0: no minimum");
    }

    @Test
    void aTrickleIsRefusedOnceTheGraceIsOverNamingTheSetting() {
        BodyRate.Watch watch = BodyRate.DEFAULT.new Watch(0);
        for (long t = 0; t <= 10; t += 5) {
            watch.arrived(10, t * SECOND);
            assertTrue(watch.failure(t * SECOND).isEmpty(), "within the grace: " + t + " s");
        }
        assertEquals(10 * SECOND + 1_000_000, watch.untilDue(0), "the timer looks when the grace ends");
        String words = watch.failure(10 * SECOND + 1).orElseThrow().getMessage();
        assertTrue(
                words.startsWith("the request body arrived too slowly: 30 bytes in 10 s, below the minimum average"
                                + " of 1024 bytes/s")
                        && words.contains(BodyRate.MIN_REQUEST_RATE),
                words);
    }

    @Test
    void aBodyAtTheRateIsNeverRefusedAndOneThatStallsIs() {
        BodyRate.Watch steady = BodyRate.DEFAULT.new Watch(0);
        for (long t = 1; t <= 60; t++) {
            steady.arrived(1024, t * SECOND);
            assertTrue(steady.failure(t * SECOND).isEmpty(), "at the rate: " + t + " s");
        }
        BodyRate.Watch stalls = BodyRate.DEFAULT.new Watch(0);
        stalls.arrived(500_000, SECOND); // far ahead of the average, then nothing
        assertTrue(stalls.failure(10 * SECOND).isEmpty());
        assertEquals(10 * SECOND + 1_000_000, stalls.untilDue(SECOND), "due when a grace has passed without its quota");
        String words = stalls.failure(11 * SECOND + 1).orElseThrow().getMessage();
        assertTrue(words.startsWith("the request body stalled: 0 bytes in the last 10 s"), words);
    }
}
