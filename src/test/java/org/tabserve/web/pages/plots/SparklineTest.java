package org.tabserve.web.pages.plots;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The models page's sparklines: the path through the minutes' values, scaled to the hour's largest, with a gap where a
 * minute has none and a dot for a lone minute; and the words read in its place.
 */
class SparklineTest {

    private static Sparkline requests(Double... values) {
        return Sparkline.of(
                "requests",
                "requests",
                Arrays.asList(values),
                n -> String.format(Locale.ROOT, "%.0f", n),
                true,
                "sev-ok");
    }

    @Test
    void theLargestValueReachesTheTopZeroTheBottomAndTheMinutesSpanTheWidth() {
        Sparkline line = requests(0.0, 5.0, 10.0);
        // x: the left pad (3), the middle, the width less its pad; y: the bottom less its pad, the middle, the top pad.
        assertEquals("M3.0 25.0 L62.0 14.0 L121.0 3.0", line.path());
        assertEquals("M121.0 3.0 h0", line.dot(), "the latest value marked");
        assertEquals("10", line.last(), "the minute under way");
        assertEquals("10", line.max());
        assertEquals("15", line.total());
        assertEquals("0 0 124 28", line.viewBox());
    }

    @Test
    void aMinuteWithoutAValueBreaksTheLineAndALoneMinuteIsADot() {
        Sparkline line = Sparkline.of(
                "p99", "p99", Arrays.asList(4.0, 8.0, null, 2.0, null), ms -> ms + " ms", false, "sev-warn");
        assertEquals("M3.0 14.0 L32.5 3.0 M91.5 19.5 h0", line.path(), "two subpaths; the lone one drawn as a dot");
        assertEquals("M91.5 19.5 h0", line.dot(), "the latest minute with a value, not the minute under way");
        assertEquals("2.0 ms", line.last(), "the latest minute with a value");
        assertEquals("8.0 ms", line.max());
        assertEquals("", line.total(), "a p99 is not summed");
        assertEquals("p99 each minute of the last 5 minutes: latest 2.0 ms, at most 8.0 ms", line.label());
        assertEquals("sev-warn", line.severity());
    }

    @Test
    void anHourWithNoValueDrawsNothingAndSaysSo() {
        Sparkline line = Sparkline.of(
                "drift",
                "worst drift (PSI)",
                java.util.Collections.nCopies(60, null),
                psi -> Double.toString(psi),
                false,
                "sev-ok");
        assertEquals("", line.path());
        assertEquals("", line.dot());
        assertTrue(line.none());
        assertEquals("", line.last());
        assertTrue(line.label().endsWith("none yet"), line.label());
    }

    @Test
    void aQuietHourOfRequestsIsAFlatLineAtTheBottomAndItsWordsCountThem() {
        Sparkline line = requests(List.of(0.0, 0.0, 0.0, 7.0).toArray(Double[]::new));
        assertEquals("M3.0 25.0 L42.3 25.0 L81.7 25.0 L121.0 3.0", line.path());
        assertEquals("requests each minute of the last 4 minutes: latest 7, at most 7, 7 in all", line.label());
    }
}
