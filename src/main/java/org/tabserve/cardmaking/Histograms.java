package org.tabserve.cardmaking;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Equal-width bins over a known range and the counts per class in each, as
 * {@link org.tabserve.model.card.CardKeys#HISTOGRAMS} stores them: the edges are rounded so that the card reads well, the
 * outer edges stay the exact range, and the last bin includes its upper edge.
 */
public final class Histograms {

    /** Bins per feature histogram: enough to show the shape, few enough to stay readable at 360 px. */
    public static final int BINS = 16;

    private Histograms() {}

    /**
     * @return {@code bins + 1} ascending edges from {@code min} to {@code max}; empty when the range is a single
     *         value, which no histogram can show
     */
    public static List<Double> edges(double min, double max, int bins) {
        if (!(max > min) || !Double.isFinite(min) || !Double.isFinite(max)) {
            return List.of();
        }
        double width = (max - min) / bins;
        List<Double> edges = new ArrayList<>();
        for (int i = 0; i <= bins; i++) {
            edges.add(i == bins ? max : i == 0 ? min : Math.round((min + i * width) * 1e6) / 1e6);
        }
        for (int i = 1; i < edges.size(); i++) {
            if (!(edges.get(i) > edges.get(i - 1))) {
                return List.of(); // a range narrower than the rounding: no readable histogram
            }
        }
        return List.copyOf(edges);
    }

    /** @return the bin of {@code value} among {@code edges} (values outside the range go to the outer bins) */
    public static int bin(double value, List<Double> edges) {
        int bins = edges.size() - 1;
        double min = edges.get(0);
        double width = (edges.get(bins) - min) / bins;
        int bin = Math.max(0, Math.min(bins - 1, (int) ((value - min) / width)));
        while (bin > 0 && value < edges.get(bin)) {
            bin--;
        }
        while (bin < bins - 1 && value >= edges.get(bin + 1)) {
            bin++;
        }
        return bin;
    }

    /** @return {@code {"edges": [...], "counts": {label: [...]}}} */
    public static Map<String, Object> toJson(List<Double> edges, Map<String, ? extends Object> counts) {
        Map<String, Object> one = new LinkedHashMap<>();
        one.put("edges", edges);
        Map<String, Object> perClass = new LinkedHashMap<>();
        counts.forEach(perClass::put);
        one.put("counts", perClass);
        return one;
    }
}
