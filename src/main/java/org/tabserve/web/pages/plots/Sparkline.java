package org.tabserve.web.pages.plots;

import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;

/**
 * One figure of a model's last hour, minute by minute, as the small line a models page card draws (issue 39, item 6):
 * the line's geometry is computed here, so that the template only prints it (no script, no charting library), with
 * the words a screen reader reads in its place and the few figures shown under it.
 *
 * <p>The line is an SVG path rather than a polyline, so that a minute without a value (no request, so no p99; no
 * drift sample) leaves a gap instead of a slope drawn across it: each run of minutes with a value is a subpath, a
 * lone minute a dot (a subpath of no length, drawn by the round line caps). The latest value is marked by a larger
 * dot ({@link #dot}), so that a single sample shows. It is drawn in a box of {@link #WIDTH} by {@link #HEIGHT} that
 * the page stretches to the card's width, from 0 at the bottom to the hour's largest value at the top.
 *
 * @param kind     {@code requests}, {@code p99} or {@code drift}: its CSS class is {@code spark-} and this
 * @param name     what it draws, shown over it
 * @param path     the line's {@code d}; empty when no minute has a value
 * @param dot      the latest value's mark, a {@code d} of no length; empty when no minute has a value
 * @param label    its text alternative: what it draws, over what, the latest value and the hour's largest
 * @param last     the latest minute's value with one (the minute under way, for requests), in words; empty if none
 * @param max      the hour's largest value, in words; empty if none
 * @param total    the hour's sum (requests alone); empty for the others
 * @param severity the CSS class of the figure's severity now, which colours the line
 */
public record Sparkline(
        String kind,
        String name,
        String path,
        String dot,
        String label,
        String last,
        String max,
        String total,
        String severity) {

    /** The drawing box's width: a step a minute, between the side pads. */
    static final int WIDTH = 124;
    /** The drawing box's height. */
    public static final int HEIGHT = 28;
    /** Room kept round the line, so that the dots at its ends, at 0 and at the top are not cut. */
    private static final double PAD = 3;

    /**
     * The line of {@code values}, oldest first, null where a minute has none.
     *
     * @param format writes one value in words, as the page writes that figure elsewhere
     * @param summed whether the hour's sum means something (requests) and is given
     */
    public static Sparkline of(
            String kind,
            String name,
            List<Double> values,
            DoubleFunction<String> format,
            boolean summed,
            String severity) {
        double max = 0;
        double sum = 0;
        int latest = -1;
        for (int i = 0; i < values.size(); i++) {
            Double value = values.get(i);
            if (value != null) {
                max = Math.max(max, value);
                sum += value;
                latest = i;
            }
        }
        if (latest < 0) {
            return new Sparkline(
                    kind,
                    name,
                    "",
                    "",
                    name + " each minute of the last " + values.size() + " minutes: none yet",
                    "",
                    "",
                    summed ? format.apply(0) : "",
                    severity);
        }
        String last = format.apply(values.get(latest));
        String most = format.apply(max);
        String total = summed ? format.apply(sum) : "";
        String label = name + " each minute of the last " + values.size() + " minutes: latest " + last + ", at most "
                + most + (summed ? ", " + total + " in all" : "");
        return new Sparkline(
                kind,
                name,
                path(values, max),
                "M" + number(x(latest, values.size())) + " " + number(y(values.get(latest), max)) + " h0",
                label,
                last,
                most,
                total,
                severity);
    }

    /** @return the SVG's {@code viewBox}: the drawing box */
    public String viewBox() {
        return "0 0 " + WIDTH + " " + HEIGHT;
    }

    /** @return whether no minute has a value */
    public boolean none() {
        return path.isEmpty();
    }

    /** The path through {@code values}, scaled so that {@code max} reaches the top; a gap where a value is null. */
    private static String path(List<Double> values, double max) {
        StringBuilder d = new StringBuilder();
        boolean inRun = false;
        for (int i = 0; i < values.size(); i++) {
            Double value = values.get(i);
            if (value == null) {
                inRun = false;
                continue;
            }
            boolean lone = !inRun && (i + 1 >= values.size() || values.get(i + 1) == null);
            d.append(d.isEmpty() ? "" : " ")
                    .append(inRun ? "L" : "M")
                    .append(number(x(i, values.size())))
                    .append(' ')
                    .append(number(y(value, max)))
                    .append(lone ? " h0" : "");
            inRun = true;
        }
        return d.toString();
    }

    private static double x(int minute, int minutes) {
        return PAD + (minutes > 1 ? minute * (WIDTH - 2 * PAD) / (minutes - 1) : 0);
    }

    private static double y(double value, double max) {
        return HEIGHT - PAD - (max > 0 ? value / max : 0) * (HEIGHT - 2 * PAD);
    }

    private static String number(double coordinate) {
        return String.format(Locale.ROOT, "%.1f", coordinate);
    }
}
