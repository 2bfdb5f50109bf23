package org.tabserve.serving.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A client's rate as a token bucket: a burst of its number, then its number a window, on a clock of the test's. */
class QuotaTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void aBurstOfTheRateThenOneRequestForEachShareOfTheWindow() {
        Quota quota = Quota.parse("3/m");
        assertEquals(3, quota.permits());
        assertEquals(60, quota.windowSeconds());
        long now = 1_000 * SECOND;
        for (int i = 0; i < 3; i++) {
            assertEquals(0, quota.take(now), "request " + (i + 1) + " of the burst");
        }
        long wait = quota.take(now);
        assertEquals(20 * SECOND, wait, "a token every 20 s");
        assertTrue(quota.take(now + 19 * SECOND) > 0, "not before");
        assertEquals(0, quota.take(now + 20 * SECOND), "then one");
        assertTrue(quota.take(now + 20 * SECOND) > 0, "and only one");
        assertEquals(0, quota.take(now + 1_000 * SECOND));
        assertEquals(0, quota.take(now + 1_000 * SECOND));
        assertEquals(0, quota.take(now + 1_000 * SECOND));
        assertTrue(quota.take(now + 1_000 * SECOND) > 0, "an idle client saves no more than one burst");
    }

    @Test
    void aRateIsAWholeNumberPerSecondMinuteHourOrDay() {
        assertEquals(1, Quota.parse("20/s").windowSeconds());
        assertEquals(60, Quota.parse("100/min").windowSeconds());
        assertEquals(3600, Quota.parse("1000/h").windowSeconds());
        assertEquals(86_400, Quota.parse("50000/d").windowSeconds());
        assertEquals(50_000, Quota.parse("50000/d").permits());
        for (String wrong :
                new String[] {"0/s", "1.5/s", "20", "20/day", "20/D", "0/d", "-1/d", "1000000000/s", "20/w", " 20/d"}) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> Quota.parse(wrong));
            assertTrue(refused.getMessage().contains("20/s, 100/m, 1000/h or 50000/d"), refused.getMessage());
            assertTrue(
                    refused.getMessage().contains("'" + wrong + "'"), "names what was given: " + refused.getMessage());
        }
        String long1 = "7".repeat(200) + "/d";
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> Quota.parse(long1));
        assertTrue(refused.getMessage().length() < 200, "quotes a bounded part: " + refused.getMessage());
    }

    @Test
    void aDailyQuotaIsABurstOfItsNumberThenOneForEachShareOfTheDay() {
        Quota quota = Quota.parse("4/d");
        long now = 5 * SECOND;
        for (int i = 0; i < 4; i++) {
            assertEquals(0, quota.take(now), "request " + (i + 1) + " of the day's");
        }
        assertEquals(6 * 3600 * SECOND, quota.take(now), "the next in a quarter of a day");
        assertTrue(quota.take(now + 6 * 3600 * SECOND - 1) > 0, "not before");
        assertEquals(0, quota.take(now + 6 * 3600 * SECOND), "then one");
    }
}
