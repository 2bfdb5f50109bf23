package org.tabserve.web.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a rollout's {@code disagreements} show, and to whom: the rows the two versions differ most on are other
 * clients' inputs, so an anonymous caller of {@code GET /models/{name}/api/rollout} sees each one's difference alone,
 * and a caller with the admin token the answers and inputs too, without the columns the prediction log masks (named
 * under {@code masked}), which no one is shown. Every key of the rollout stays; only the rows' values go.
 */
final class RolloutRows {

    private final Set<String> mask;

    /** @param mask the input columns never shown ({@code tabserve.prediction-log-mask}) */
    RolloutRows(Set<String> mask) {
        this.mask = Set.copyOf(mask);
    }

    /**
     * @param status a rollout as {@link org.tabserve.serving.rollout.Rollouts#status} gives it (never changed here)
     * @param admin  whether the caller showed the admin token
     * @return the rollout as that caller may see it
     */
    Map<String, Object> shown(Map<String, Object> status, boolean admin) {
        Map<String, Object> shown = new LinkedHashMap<>(status);
        for (String role : List.of("shadow", "canary")) {
            if (shown.get(role) instanceof Map<?, ?> part) {
                Map<String, Object> copy = new LinkedHashMap<>();
                part.forEach((key, value) -> copy.put((String) key, value));
                if (copy.get("disagreements") instanceof List<?> rows) {
                    copy.put(
                            "disagreements",
                            rows.stream()
                                    .map(row -> row((Map<?, ?>) row, admin))
                                    .toList());
                }
                shown.put(role, copy);
            }
        }
        return shown;
    }

    private Map<String, Object> row(Map<?, ?> row, boolean admin) {
        Map<String, Object> shown = new LinkedHashMap<>();
        shown.put("difference", row.get("difference"));
        if (!admin) {
            return shown;
        }
        shown.put("answers", row.get("answers"));
        Map<String, Object> inputs = new LinkedHashMap<>();
        List<String> masked = new ArrayList<>();
        if (row.get("inputs") instanceof Map<?, ?> cells) {
            cells.forEach((column, value) -> {
                if (mask.contains((String) column)) {
                    masked.add((String) column);
                } else {
                    inputs.put((String) column, value);
                }
            });
        }
        shown.put("inputs", inputs);
        if (!masked.isEmpty()) {
            shown.put("masked", masked);
        }
        return shown;
    }
}
