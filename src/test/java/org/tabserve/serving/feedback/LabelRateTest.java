package org.tabserve.serving.feedback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Each client's labels, on a clock of the test's: a burst is taken, the client past it waits for its bucket to refill
 * (as many seconds as the refusal says), other clients are not touched, an IPv6 client is its /64 network, and the
 * clients told apart stay bounded.
 */
class LabelRateTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void aClientPastItsBurstWaitsForItsBucketAndNoOtherClientDoes() {
        LabelRate rate = new LabelRate();
        assertEquals(0, rate.secondsToWait("10.0.0.1", 0));
        rate.spend("10.0.0.1", (int) LabelRate.BURST + 4_500, 0); // one large batch: taken, and its debt waited out
        long wait = rate.secondsToWait("10.0.0.1", 0);
        assertEquals(5, wait, "4,500 labels of debt, and one more, at 1,000 a second");
        assertEquals(0, rate.secondsToWait("10.0.0.2", 0), "another client has its own bucket");
        assertTrue(rate.secondsToWait("10.0.0.1", (wait - 1) * SECOND) > 0);
        assertEquals(0, rate.secondsToWait("10.0.0.1", wait * SECOND));
    }

    @Test
    void aFloodOfSingleLabelsIsBoundedToTheBurstThenTheRate() {
        LabelRate rate = new LabelRate();
        long taken = 0;
        for (long now = 0; now < 10 * SECOND; now += SECOND / 10_000) { // 100,000 requests in 10 s
            if (rate.secondsToWait("::1", now) == 0) {
                rate.spend("::1", 1, now);
                taken++;
            }
        }
        assertTrue(taken <= LabelRate.BURST + 10 * LabelRate.PER_SECOND + 1, "taken: " + taken);
        assertTrue(taken >= LabelRate.BURST + 9 * LabelRate.PER_SECOND, "taken: " + taken);
    }

    @Test
    void anIpv6ClientIsItsNetworkAndTheClientsToldApartAreBounded() {
        assertEquals(LabelRate.key("2001:db8:1:2:aaaa::1"), LabelRate.key("[2001:db8:1:2:bbbb::7]"));
        assertTrue(!LabelRate.key("2001:db8:1:2::1").equals(LabelRate.key("2001:db8:1:3::1")));
        assertEquals("192.0.2.7", LabelRate.key("192.0.2.7"));
        LabelRate rate = new LabelRate();
        for (int i = 0; i < 3 * LabelRate.MAX_CLIENTS; i++) {
            String client = "10." + (i >> 16) + "." + ((i >> 8) & 0xff) + "." + (i & 0xff);
            rate.secondsToWait(client, 0);
            rate.spend(client, 10, 0);
        }
        assertEquals(LabelRate.MAX_CLIENTS + 1, rate.clients(), "past the bound, newcomers share one bucket");
        rate.secondsToWait("172.16.0.1", 3600 * SECOND);
        assertEquals(1, rate.clients(), "buckets that refilled are forgotten first");
    }
}
