package org.tabserve.model.card;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How often each value of one text input occurred in the data, per class (a regressor's one series is under its
 * label column), as the card stores it under {@link CardKeys#CATEGORIES}: the text inputs' counterpart of a
 * {@link FeatureHistogram}.
 *
 * @param counts series label to category to count, in the card's order
 */
public record CategoryCounts(Map<String, Map<String, Long>> counts) {

    public CategoryCounts {
        Map<String, Map<String, Long>> copy = new LinkedHashMap<>();
        counts.forEach((label, categories) -> {
            if (categories.values().stream().anyMatch(c -> c < 0)) {
                throw new IllegalArgumentException("'" + label + "' has a negative count");
            }
            copy.put(label, Collections.unmodifiableMap(new LinkedHashMap<>(categories)));
        });
        counts = Collections.unmodifiableMap(copy);
    }

    /** @return every category of every series, each once, in order of first appearance */
    public java.util.List<String> categories() {
        return counts.values().stream()
                .flatMap(m -> m.keySet().stream())
                .distinct()
                .toList();
    }

    /** @return the largest count of any category in any series (0 when there is none) */
    public long maxCount() {
        return counts.values().stream()
                .flatMap(m -> m.values().stream())
                .mapToLong(Long::longValue)
                .max()
                .orElse(0);
    }
}
