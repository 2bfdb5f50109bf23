package org.tabserve.model.card;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How one feature's training values spread out, per class, as stored in the card under {@link CardKeys#HISTOGRAMS}.
 *
 * @param edges  {@code n + 1} ascending bin edges; the last bin includes its upper edge
 * @param counts class label to its {@code n} counts, one per bin, in the card's class order
 */
public record FeatureHistogram(List<Double> edges, Map<String, List<Integer>> counts) {

    public FeatureHistogram {
        edges = List.copyOf(edges);
        if (edges.size() < 2) {
            throw new IllegalArgumentException("a histogram needs at least 2 edges, got " + edges.size());
        }
        for (int i = 1; i < edges.size(); i++) {
            if (!(edges.get(i) > edges.get(i - 1))) {
                throw new IllegalArgumentException("edges must be strictly ascending, got " + edges);
            }
        }
        Map<String, List<Integer>> copy = new LinkedHashMap<>();
        for (Map.Entry<String, List<Integer>> e : counts.entrySet()) {
            if (e.getValue().size() != edges.size() - 1) {
                throw new IllegalArgumentException("class '" + e.getKey() + "' has "
                        + e.getValue().size() + " counts for " + (edges.size() - 1) + " bins");
            }
            if (e.getValue().stream().anyMatch(c -> c < 0)) {
                throw new IllegalArgumentException("class '" + e.getKey() + "' has a negative count");
            }
            copy.put(e.getKey(), List.copyOf(e.getValue()));
        }
        counts = Collections.unmodifiableMap(copy);
    }

    /** @return the number of bins */
    public int bins() {
        return edges.size() - 1;
    }

    /** @return the largest count of any class in any bin (0 for an empty histogram) */
    public int maxCount() {
        return counts.values().stream()
                .flatMap(List::stream)
                .mapToInt(Integer::intValue)
                .max()
                .orElse(0);
    }
}
