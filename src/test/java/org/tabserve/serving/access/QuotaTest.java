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
        assertEquals(3, quota.permits(0));
        assertEquals(60, quota.windowSeconds(0));
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
        assertEquals(1, Quota.parse("20/s").windowSeconds(0));
        assertEquals(60, Quota.parse("100/min").windowSeconds(0));
        assertEquals(3600, Quota.parse("1000/h").windowSeconds(0));
        assertEquals(86_400, Quota.parse("50000/d").windowSeconds(0));
        assertEquals(50_000, Quota.parse("50000/d").permits(0));
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

    @Test
    void severalRatesJoinedByPlusAreEachABucketInTheirOrder() {
        Quota quota = Quota.parse("20/s+100/min+1000/h+50000/d");
        assertEquals(4, quota.rates());
        assertEquals("20/s+100/min+1000/h+50000/d", quota.toString());
        assertEquals(20, quota.permits(0));
        assertEquals(1, quota.windowSeconds(0));
        assertEquals("100/min", quota.rate(1));
        assertEquals(60, quota.windowSeconds(1));
        assertEquals(3600, quota.windowSeconds(2));
        assertEquals(50_000, quota.permits(3));
        assertEquals(86_400, quota.windowSeconds(3));
        assertEquals(1, Quota.parse("50000/d").rates());
    }

    @Test
    void joinedRatesThatAreEmptyTooManyOrOfOneWindowAreRefusedInWords() {
        for (String wrong : new String[] {"20/s+", "+5/d", "20/s++5/d", "+", "20/s+5/day", "20/s+ 5/d"}) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> Quota.parse(wrong));
            assertTrue(refused.getMessage().contains("'" + wrong + "'"), "names it: " + refused.getMessage());
            assertTrue(refused.getMessage().contains("joined by +"), refused.getMessage());
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Quota.parse("20/s+"))
                .getMessage()
                .contains("an empty part"));
        for (String twice : new String[] {"5/d+6/d", "100/m+5/min", "1/s+2/h+3/s"}) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> Quota.parse(twice));
            assertTrue(refused.getMessage().contains("two rates of one window"), refused.getMessage());
        }
        IllegalArgumentException five =
                assertThrows(IllegalArgumentException.class, () -> Quota.parse("1/s+2/m+3/h+4/d+5/min"));
        assertTrue(five.getMessage().contains("more than 4 rates"), five.getMessage());
        String hostile = "1/s" + "+".repeat(100_000) + "2/d";
        IllegalArgumentException many = assertThrows(IllegalArgumentException.class, () -> Quota.parse(hostile));
        assertTrue(many.getMessage().contains("more than 4 rates"), many.getMessage());
        assertTrue(
                many.getMessage().length() < 300,
                "quotes a bounded part: " + many.getMessage().length());
        String overlong = "20/s+" + "7".repeat(200) + "/d";
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> Quota.parse(overlong));
        assertTrue(refused.getMessage().length() < 400, "quotes a bounded part: " + refused.getMessage());
        assertTrue(refused.getMessage().contains("is not a whole number"), refused.getMessage());
    }

    @Test
    void aRequestGoesOnlyWhenEveryBucketHasATokenAndARefusalTakesNone() {
        Quota quota = Quota.parse("3/m+5/d");
        long now = 1_000 * SECOND;
        for (int i = 0; i < 3; i++) {
            assertEquals(Quota.Wait.TAKEN, quota.admit(now), "request " + (i + 1));
        }
        Quota.Wait refused = quota.admit(now);
        assertEquals(0, refused.rate(), "the minute's bucket refuses");
        assertEquals(20 * SECOND, refused.nanos());
        for (int i = 0; i < 10; i++) {
            assertTrue(quota.admit(now + i).nanos() > 0, "refused again");
        }
        // The minute's refusals took nothing from the day's: after 40 s the minute has 2, the day its 2 left.
        assertEquals(Quota.Wait.TAKEN, quota.admit(now + 40 * SECOND));
        assertEquals(Quota.Wait.TAKEN, quota.admit(now + 40 * SECOND));
        Quota.Wait day = quota.admit(now + 40 * SECOND);
        assertEquals(1, day.rate(), "now the day's bucket refuses: " + day);
        long dayToken = TimeUnit.HOURS.toNanos(24) / 5;
        assertTrue(day.nanos() > 20 * SECOND && day.nanos() <= dayToken, "the longest wait: " + day.nanos());
        // The day's refusals took nothing from the minute's, which is full by then: exactly one more when the day
        // has refilled one token.
        long later = now + 40 * SECOND + day.nanos();
        assertTrue(quota.admit(later - 1).nanos() > 0, "not before");
        assertEquals(Quota.Wait.TAKEN, quota.admit(later + 1_000));
        assertEquals(1, quota.admit(later + 1_000).rate(), "and only one, the day's the rate that refuses");
    }

    @Test
    void whenBothBucketsAreEmptyTheLongerWaitNamesItsRate() {
        Quota quota = Quota.parse("1/m+1/h");
        assertEquals(Quota.Wait.TAKEN, quota.admit(0));
        Quota.Wait refused = quota.admit(0);
        assertEquals(1, refused.rate());
        assertEquals(3600 * SECOND, refused.nanos(), "the hour's, not the minute's 60 s");
    }
}
