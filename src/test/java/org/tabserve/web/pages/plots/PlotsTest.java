package org.tabserve.web.pages.plots;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Where an x-y plot puts its texts: the y-axis name, turned upright, clear of the tick labels and inside the picture,
 * and no two x tick labels on top of each other, for axes of short and long labels. Text boxes are estimated more
 * generously than {@link Plots} reserves (a character 0.7 of the text size, glyphs rising 0.95 and falling 0.3), so
 * that a real font has room; the browser test measures the rendered boxes.
 */
class PlotsTest {

    private static final double SIZE = 13;
    private static final double CHAR = 0.7 * SIZE;
    private static final Pattern ROTATION = Pattern.compile("rotate\\(-90 ([0-9.]+) ([0-9.]+)\\)");

    private static final double[][] RANGES = {
        {2700, 6300}, {-256.16, 512.3}, {0, 1}, {0, 1_000_000}, {-0.000123, 0.000456}, {-98765.4, -12.5}
    };

    private static List<Plot.Text> texts(Plot plot, String cssClass) {
        return plot.texts().stream()
                .filter(t -> List.of(t.cssClass().split(" ")).contains(cssClass))
                .toList();
    }

    @Test
    void theYAxisNameStandsClearOfItsTickLabelsAndInsideThePicture() {
        for (double[] range : RANGES) {
            Plot plot = new Plots.Xy("p", range[0], range[1], range[0], range[1], "actual", "predicted").plot("s");
            List<Plot.Text> names = texts(plot, "y-name");
            assertEquals(1, names.size());
            Plot.Text name = names.get(0);
            Matcher rotation = ROTATION.matcher(name.transform());
            assertTrue(rotation.matches(), name.transform());
            double baseline = Double.parseDouble(rotation.group(1));
            assertEquals(baseline, name.x(), 1e-9, "turned about its own anchor");
            // Turned a quarter left, the glyphs rise to the left of the baseline and fall to its right.
            double nameLeft = baseline - 0.95 * SIZE;
            double nameRight = baseline + 0.3 * SIZE;
            assertTrue(nameLeft >= 0, "the name is cut at the picture's edge: " + nameLeft);
            List<Plot.Text> ticks = texts(plot, "y-tick");
            assertTrue(ticks.size() >= 3, ticks::toString);
            for (Plot.Text tick : ticks) {
                assertEquals("end", tick.anchor());
                double tickLeft = tick.x() - tick.text().length() * CHAR;
                assertTrue(
                        tickLeft > nameRight,
                        () -> "range " + range[0] + ".." + range[1] + ": tick '" + tick.text() + "' starts at "
                                + tickLeft + ", the name ends at " + nameRight);
            }
        }
    }

    @Test
    void theXTickLabelsDoNotTouchEachOtherOrLeaveThePicture() {
        for (double[] range : RANGES) {
            Plot plot = new Plots.Xy("p", range[0], range[1], range[0], range[1], "actual", "predicted").plot("s");
            List<Plot.Text> ticks = texts(plot, "x-tick");
            assertTrue(ticks.size() >= 2, ticks::toString);
            double previousRight = Double.NEGATIVE_INFINITY;
            for (Plot.Text tick : ticks) {
                assertEquals("middle", tick.anchor());
                double half = tick.text().length() * 0.6 * SIZE / 2;
                assertTrue(tick.x() - half > previousRight, "x ticks overlap at " + tick.text() + ": " + ticks);
                assertTrue(
                        tick.x() - half >= 0 && tick.x() + half <= plot.width(), tick.text() + " leaves the picture");
                previousRight = tick.x() + half;
            }
        }
    }
}
