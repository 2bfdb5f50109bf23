package org.tabserve.web.pages.plots;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.tabserve.model.live.LiveKind;
import org.tabserve.model.live.LiveProfile;

/**
 * The card page's live pictures: an input's training distribution as filled bars with what the model scored lately
 * drawn over it as outlined bars, both as shares of their values, so that a shift shows as outlines off the bars.
 */
public final class LivePlots {

    private static final int HEIGHT = 130;
    private static final double TOP = 8;
    private static final double AXIS = 108;
    private static final double LEFT = 4;

    private LivePlots() {}

    /** The picture of {@code feature}'s training shares with its live shares of the last hour over them. */
    public static Plot overlay(LiveProfile.LiveFeature feature) {
        int bins = feature.bins().size();
        double[] training = shares(
                feature.training().stream().mapToDouble(Double::doubleValue).toArray());
        double[] live = shares(feature.recent().counts().stream()
                .mapToDouble(Long::doubleValue)
                .toArray());
        double max = 1e-9;
        for (int b = 0; b < bins; b++) {
            max = Math.max(max, Math.max(training[b], live[b]));
        }
        double binWidth = (Plots.WIDTH - 2 * LEFT) / Math.max(1, bins);
        List<Plot.Rect> rects = new ArrayList<>();
        for (int b = 0; b < bins; b++) {
            double x = Plots.round(LEFT + b * binWidth + 1);
            double width = Plots.round(binWidth - 2);
            String bin = feature.kind() == LiveKind.HISTOGRAM
                    ? "from " + range(feature, b)
                    : feature.bins().get(b);
            bar(
                    rects,
                    x,
                    width,
                    training[b],
                    max,
                    "bar training",
                    percent(training[b]) + " of the training values " + bin);
            bar(rects, x, width, live[b], max, "live-bar", percent(live[b]) + " of the live values " + bin);
        }
        List<Plot.Text> texts = new ArrayList<>();
        if (feature.kind() == LiveKind.HISTOGRAM) {
            texts.add(new Plot.Text(0, AXIS + 17, Plots.number(feature.edges().get(0)), "start", null, "tick x-tick"));
            texts.add(new Plot.Text(
                    Plots.WIDTH, AXIS + 17, Plots.number(feature.edges().get(bins)), "end", null, "tick x-tick"));
        } else {
            int fits = (int) Math.max(1, binWidth / Plots.CHAR_WIDTH);
            for (int b = 0; b < bins; b++) {
                String name = feature.bins().get(b);
                texts.add(new Plot.Text(
                        Plots.round(LEFT + (b + 0.5) * binWidth),
                        AXIS + 17,
                        name.length() <= fits ? name : name.substring(0, Math.max(1, fits - 1)) + "…",
                        "middle",
                        null,
                        "tick x-tick"));
            }
        }
        String summary = "Training values of " + BidiIsolate.of(feature.name()) + " (filled bars) and the "
                + feature.recent().values() + " values scored in the last hour (outlines), as shares of each, on "
                + bins + (feature.kind() == LiveKind.HISTOGRAM ? " bins." : " categories.");
        return new Plot(
                "live-" + feature.name(),
                Plots.WIDTH,
                HEIGHT,
                summary,
                rects,
                List.of(new Plot.Line(0, AXIS, Plots.WIDTH, AXIS, "axis")),
                List.of(),
                List.of(),
                texts);
    }

    /** Adds the bar of {@code share} (of {@code max}, the tallest) at {@code x}, unless it is empty. */
    private static void bar(
            List<Plot.Rect> rects, double x, double width, double share, double max, String css, String title) {
        if (share > 0) {
            double h = (AXIS - TOP) * share / max;
            rects.add(new Plot.Rect(x, Plots.round(AXIS - h), width, Plots.round(h), css, null, title));
        }
    }

    private static String range(LiveProfile.LiveFeature feature, int bin) {
        return Plots.number(feature.edges().get(bin)) + " to "
                + Plots.number(feature.edges().get(bin + 1));
    }

    private static double[] shares(double[] counts) {
        double total = 0;
        for (double c : counts) {
            total += c;
        }
        double[] out = new double[counts.length];
        for (int i = 0; i < counts.length && total > 0; i++) {
            out[i] = counts[i] / total;
        }
        return out;
    }

    /** A share as a percentage for people, one decimal. */
    public static String percent(double share) {
        return String.format(Locale.ROOT, "%.1f%%", share * 100);
    }
}
