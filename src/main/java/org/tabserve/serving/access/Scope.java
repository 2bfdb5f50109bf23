package org.tabserve.serving.access;

import java.util.Locale;
import java.util.Optional;

/**
 * What a caller may do, each on one model or on all ({@link Grant}): predict, explain its answers, send labels for its
 * own answers, read (pages, cards, {@code /api/model(s)}, the OpenAPI documents), read the metrics, administer
 * (install, reload, load and unload models, set their rollouts), and send labels for any caller's answers (a
 * labelling service: {@code label:any}, which gives {@code label} too).
 */
public enum Scope {
    PREDICT,
    EXPLAIN,
    LABEL,
    READ,
    METRICS,
    ADMIN,
    LABEL_ANY;

    /** @return the scope as the keys file and the refusals spell it: {@code predict}, {@code label:any} */
    public String word() {
        return this == LABEL_ANY ? "label:any" : name().toLowerCase(Locale.ROOT);
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
