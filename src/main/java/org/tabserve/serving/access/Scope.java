package org.tabserve.serving.access;

import java.util.Locale;
import java.util.Optional;

/**
 * What a caller may do, each on one model or on all ({@link Grant}): predict, explain its answers, send labels, read
 * (pages, cards, {@code /api/model(s)}, the OpenAPI documents), read the metrics, and administer (install, reload,
 * load and unload models, set their rollouts).
 */
public enum Scope {
    PREDICT,
    EXPLAIN,
    LABEL,
    READ,
    METRICS,
    ADMIN;

    /** @return the scope as the keys file and the refusals spell it: {@code predict} */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @return the scope spelled {@code word} ({@code predict}), if it is one */
    public static Optional<Scope> of(String word) {
        for (Scope scope : values()) {
            if (scope.word().equals(word)) {
                return Optional.of(scope);
            }
        }
        return Optional.empty();
    }
}
