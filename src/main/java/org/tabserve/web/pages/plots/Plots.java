package org.tabserve.web.pages.plots;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;

/**
 * Places the pages' pictures as {@link Plot}s: binned counts per series (histograms), counts per category (bar
 * charts), cells (the confusion matrix) and x-y plots with a diagonal (scatter, ROC curve, calibration); the form's
 * contribution chart ({@link ContributionChart}) draws with the same sizes, bars and number format.
 */
public final class Plots {

    /** Picture width in SVG user units; pictures scale down to the page's width. */
    public static final int WIDTH = 320;

    static final int HISTOGRAM_HEIGHT = 130;
    private static final int HISTOGRAM_TOP = 8;
    private static final int HISTOGRAM_AXIS = 108;
    private static final double HISTOGRAM_LEFT = 4;

    /** x-y plots: height and the margins that hold ticks and axis labels (the left one grows with the ticks). */
    public static final int XY_HEIGHT = 280;

    private static final double XY_RIGHT = 6;
    private static final double XY_TOP = 10;
    private static final double XY_BOTTOM = 44;
    /**
     * Text sizes in user units, as the stylesheet sets them ({@code svg .tick}, {@code svg .axis-label}: 13px), and
     * the widest a character of a tick is (a digit is about 0.55 of the size; room for 0.65), to keep the y-axis name
     * clear of the tick labels.
     */
    static final double TEXT_SIZE = 13;

    static final double CHAR_WIDTH = 0.65 * TEXT_SIZE;
    /** The space between the y-axis name, its tick labels and the axis. */
    private static final double GAP = 6;

    /** Category bars: one text line per category, then one bar per series. */
    static final double BAR_LABEL = 16;

    static final double BAR_HEIGHT = 10;
    static final double BAR_GAP = 8;
    static final double BAR_COUNT_ROOM = 56;

    /** Confusion matrix: one cell's side and the room for the labels. */
    private static final int CELL = 90;

    private static final int MARGIN = 70;

    private Plots() {}

    /**
     * One series of counts: its name for people and its CSS colour class.
     *
     * @param name     what one count counts, e.g. a class's display name
     * @param cssClass its colour
     * @param counts   one count per bin or category, in order
     */
    record Series(String name, String cssClass, List<Long> counts) {}

    /**
     * Bars per bin, the series side by side in each bin, over a baseline with the range's ends as ticks.
     *
     * @param edges   {@code n + 1} ascending bin edges
     * @param series  each with {@code n} counts
     * @param summary the picture in words
     */
    static Plot histogram(String id, List<Double> edges, List<Series> series, String summary) {
        int bins = edges.size() - 1;
        double binWidth = (WIDTH - 2 * HISTOGRAM_LEFT) / bins;
        long max = largest(series);
        double barWidth = (binWidth - 2) / Math.max(1, series.size());
        List<Plot.Rect> bars = new ArrayList<>();
        for (int b = 0; b < bins; b++) {
            for (int s = 0; s < series.size(); s++) {
                long count = series.get(s).counts().get(b);
                if (count == 0) {
                    continue;
                }
                double height = (HISTOGRAM_AXIS - HISTOGRAM_TOP) * (double) count / max;
                bars.add(new Plot.Rect(
                        round(HISTOGRAM_LEFT + b * binWidth + 1 + s * barWidth),
                        round(HISTOGRAM_AXIS - height),
                        round(barWidth),
                        round(height),
                        "bar " + series.get(s).cssClass(),
                        null,
                        count + " " + series.get(s).name() + " from " + number(edges.get(b)) + " to "
                                + number(edges.get(b + 1))));
            }
        }
        // Round values within the range, placed where they fall (the bins are of equal width).
        double from = edges.get(0);
        double span = edges.get(bins) - from;
        NiceTicks nice = NiceTicks.within(from, edges.get(bins));
        List<Plot.Text> ticks = new ArrayList<>();
        List<Plot.Line> lines =
                new ArrayList<>(List.of(new Plot.Line(0, HISTOGRAM_AXIS, WIDTH, HISTOGRAM_AXIS, "axis")));
        for (double tick : nice.ticks()) {
            double x = round(HISTOGRAM_LEFT + (tick - from) / span * (WIDTH - 2 * HISTOGRAM_LEFT));
            String label = nice.label(tick);
            double half = label.length() * CHAR_WIDTH / 2;
            ticks.add(new Plot.Text(
                    x,
                    HISTOGRAM_AXIS + 17,
                    label,
                    x - half < 0 ? "start" : x + half > WIDTH ? "end" : "middle",
                    null,
                    "tick x-tick"));
            lines.add(new Plot.Line(x, HISTOGRAM_AXIS, x, HISTOGRAM_AXIS + 4, "axis"));
        }
        return new Plot(id, WIDTH, HISTOGRAM_HEIGHT, summary, bars, lines, List.of(), List.of(), ticks);
    }

    /** @return the largest count of any series, at least 1 (a bar's full height or length) */
    private static long largest(List<Series> series) {
        return Math.max(
                1,
                series.stream()
                        .flatMap(s -> s.counts().stream())
                        .mapToLong(Long::longValue)
                        .max()
                        .orElse(0));
    }

    /**
     * Horizontal bars per category, the series one under the other, each with its count at its end; the category's
     * name stands above its bars, so that long names stay readable at 360 px.
     */
    static Plot bars(String id, List<String> categories, List<Series> series, String summary) {
        long max = largest(series);
        double room = WIDTH - BAR_COUNT_ROOM;
        List<Plot.Rect> bars = new ArrayList<>();
        List<Plot.Text> texts = new ArrayList<>();
        double y = 0;
        for (int c = 0; c < categories.size(); c++) {
            texts.add(new Plot.Text(0, y + BAR_LABEL - 4, categories.get(c), "start", null, "axis-label"));
            y += BAR_LABEL;
            for (Series one : series) {
                long count = one.counts().get(c);
                double length = Math.max(count == 0 ? 0 : 1, room * count / max);
                bars.add(new Plot.Rect(
                        0,
                        round(y),
                        round(length),
                        BAR_HEIGHT,
                        "bar " + one.cssClass(),
                        null,
                        count + " " + one.name() + ": " + categories.get(c)));
                texts.add(new Plot.Text(
                        round(length + 4),
                        round(y + BAR_HEIGHT - 1),
                        Long.toString(count),
                        "start",
                        null,
                        "tick count-label"));
                y += BAR_HEIGHT + 2;
            }
            y += BAR_GAP;
        }
        return new Plot(id, WIDTH, (int) Math.ceil(y), summary, bars, List.of(), List.of(), List.of(), texts);
    }

    /**
     * The confusion matrix: one cell per (true, predicted) pair, darker for more rows, with its count.
     *
     * @param names  the classes' display names, in the matrix's order
     * @param counts row = true class, column = predicted class
     */
    static Plot confusion(String id, List<String> names, List<List<Integer>> counts, String summary) {
        int n = names.size();
        int max = counts.stream()
                .flatMap(List::stream)
                .mapToInt(Integer::intValue)
                .max()
                .orElse(0);
        // The turned "true" takes one line at the left edge, then the widest row name, then the cells: measured, so
        // that a long name ("versicolor") does not run into "true".
        double nameLine = TEXT_SIZE + 2;
        List<String> columnNames = names.stream().map(Plots::fitCell).toList();
        double left = round(GAP / 2 + nameLine + GAP + widest(names) * CHAR_WIDTH + 8);
        List<Plot.Rect> cells = new ArrayList<>();
        List<Plot.Text> texts = new ArrayList<>();
        for (int t = 0; t < n; t++) {
            for (int p = 0; p < n; p++) {
                int count = counts.get(t).get(p);
                double x = left + p * CELL;
                double y = MARGIN + t * CELL;
                double opacity = max == 0 ? 0 : 0.08 + 0.92 * count / max;
                cells.add(new Plot.Rect(x, y, CELL, CELL, "cell", round(opacity), null));
                texts.add(new Plot.Text(
                        x + CELL / 2.0,
                        y + CELL / 2.0 + 7,
                        Integer.toString(count),
                        "middle",
                        null,
                        "count " + (opacity > 0.5 ? "on-dark" : "on-light")));
            }
        }
        texts.add(new Plot.Text(left + n * CELL / 2.0, 16, "predicted", "middle", null, "axis-label"));
        double nameBaseline = round(GAP / 2 + 0.8 * TEXT_SIZE);
        texts.add(new Plot.Text(
                nameBaseline,
                MARGIN + n * CELL / 2.0,
                "true",
                "middle",
                "rotate(-90 " + plain(nameBaseline) + " " + plain(MARGIN + n * CELL / 2.0) + ")",
                "axis-label y-name"));
        for (int i = 0; i < n; i++) {
            texts.add(new Plot.Text(
                    left + i * CELL + CELL / 2.0, MARGIN - 10, columnNames.get(i), "middle", null, "axis-label"));
            texts.add(new Plot.Text(
                    left - 8, MARGIN + i * CELL + CELL / 2.0 + 5, names.get(i), "end", null, "axis-label row-name"));
        }
        return new Plot(
                id,
                (int) Math.ceil(left + n * CELL + 4),
                MARGIN + n * CELL + 4,
                summary,
                cells,
                List.of(),
                List.of(),
                List.of(),
                texts);
    }

    /** The most characters of the names, as the width of the widest. */
    private static int widest(List<String> names) {
        return names.stream().mapToInt(String::length).max().orElse(0);
    }

    /** A column's name cut with an ellipsis to its cell's width, so that neighbours never touch. */
    private static String fitCell(String name) {
        int fits = (int) ((CELL - GAP) / CHAR_WIDTH);
        return name.length() <= fits ? name : name.substring(0, fits - 1) + "\u2026";
    }

    /**
     * An x-y plot over ranges widened to round values, with its axes, round ticks on each ({@link NiceTicks}) and the
     * axes' names, the y-axis name clear of its tick labels; add a diagonal, curves and dots, then
     * {@link #plot(String)}.
     */
    static final class Xy {
        private final String id;
        private final double xMin;
        private final double xMax;
        private final double yMin;
        private final double yMax;
        private final double left;
        private final double right;
        private final List<Plot.Line> lines = new ArrayList<>();
        private final List<Plot.Curve> curves = new ArrayList<>();
        private final List<Plot.Dot> dots = new ArrayList<>();
        private final List<Plot.Text> texts = new ArrayList<>();

        Xy(String id, double xMin, double xMax, double yMin, double yMax, String xName, String yName) {
            this.id = id;
            NiceTicks xTicks = NiceTicks.covering(xMin, xMax > xMin ? xMax : xMin + 1);
            NiceTicks yTicks = NiceTicks.covering(yMin, yMax > yMin ? yMax : yMin + 1);
            this.xMin = xTicks.from();
            this.xMax = xTicks.to();
            this.yMin = yTicks.from();
            this.yMax = yTicks.to();
            // The y-axis name, turned upright, takes one line at the left edge; then the widest tick label, then the
            // axis.
            double nameLine = TEXT_SIZE + 2;
            double nameBaseline = GAP / 2 + 0.8 * TEXT_SIZE; // the glyphs rise to the left of a turned baseline
            this.left = round(GAP / 2 + nameLine + GAP + yTicks.widestLabel() * CHAR_WIDTH + GAP);
            // The x ticks are centred on their values: the last one's half hangs right of the axis.
            double xLabel = xTicks.widestLabel() * CHAR_WIDTH;
            this.right = round(WIDTH - Math.max(XY_RIGHT, xLabel / 2 + 2));
            double bottom = XY_HEIGHT - XY_BOTTOM;
            lines.add(new Plot.Line(left, bottom, right, bottom, "axis"));
            lines.add(new Plot.Line(left, XY_TOP, left, bottom, "axis"));
            List<Double> xs = xTicks.ticks();
            // Every tick is marked; labels are skipped evenly when the widest would touch its neighbour.
            double spacing = (right - left) / Math.max(1, xs.size() - 1);
            int every = (int) Math.ceil((xLabel + GAP) / spacing);
            for (int i = 0; i < xs.size(); i++) {
                double xv = xs.get(i);
                if (i % every == 0) {
                    texts.add(new Plot.Text(x(xv), bottom + 17, xTicks.label(xv), "middle", null, "tick x-tick"));
                }
                lines.add(new Plot.Line(x(xv), bottom, x(xv), bottom + 4, "axis"));
            }
            for (double yv : yTicks.ticks()) {
                texts.add(new Plot.Text(left - GAP, y(yv) + 4, yTicks.label(yv), "end", null, "tick y-tick"));
                lines.add(new Plot.Line(left - 4, y(yv), left, y(yv), "axis"));
            }
            texts.add(new Plot.Text(
                    left + (right - left) / 2, XY_HEIGHT - 6, xName, "middle", null, "axis-label x-name"));
            double middle = round(XY_TOP + (bottom - XY_TOP) / 2);
            texts.add(new Plot.Text(
                    round(nameBaseline),
                    middle,
                    yName,
                    "middle",
                    "rotate(-90 " + plain(round(nameBaseline)) + " " + plain(middle) + ")",
                    "axis-label y-name"));
        }

        double x(double value) {
            return round(left + (value - xMin) / (xMax - xMin) * (right - left));
        }

        double y(double value) {
            return round(XY_HEIGHT - XY_BOTTOM - (value - yMin) / (yMax - yMin) * (XY_HEIGHT - XY_BOTTOM - XY_TOP));
        }

        /** The line y = x where both ranges have it: perfect predictions, chance, perfect calibration. */
        Xy diagonal() {
            double from = Math.max(xMin, yMin);
            double to = Math.min(xMax, yMax);
            if (to > from) {
                lines.add(new Plot.Line(x(from), y(from), x(to), y(to), "diagonal"));
            }
            return this;
        }

        Xy curve(List<Double> xs, List<Double> ys, String cssClass) {
            StringBuilder points = new StringBuilder();
            for (int i = 0; i < xs.size(); i++) {
                points.append(i == 0 ? "" : " ")
                        .append(plain(x(xs.get(i))))
                        .append(',')
                        .append(plain(y(ys.get(i))));
            }
            curves.add(new Plot.Curve(points.toString(), cssClass));
            return this;
        }

        Xy dots(List<Double> xs, List<Double> ys, String cssClass, IntFunction<String> title) {
            for (int i = 0; i < xs.size(); i++) {
                dots.add(new Plot.Dot(x(xs.get(i)), y(ys.get(i)), 3, cssClass, title.apply(i)));
            }
            return this;
        }

        Plot plot(String summary) {
            return new Plot(id, WIDTH, XY_HEIGHT, summary, List.of(), lines, curves, dots, texts);
        }
    }

    /** A number for people: at most 2 decimals, no trailing zeros. */
    static String number(double value) {
        return Decimals.fourPlaces(Math.round(value * 100) / 100.0);
    }

    /** A share or score for people, with three decimals, as the metrics tables show them. */
    public static String fixed(double value) {
        return String.format(Locale.ROOT, "%.3f", value);
    }

    static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }

    private static String plain(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
