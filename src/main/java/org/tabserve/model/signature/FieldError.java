package org.tabserve.model.signature;

import java.util.Objects;

/**
 * One thing wrong with one value a caller sent, so that every bad field can be reported at once.
 *
 * @param row     index of the row in the request's batch, counted from 0 (0 for a single row)
 * @param field   the feature's name, as the model's signature spells it
 * @param message what was found and what is allowed, in words a caller can act on
 */
public record FieldError(int row, String field, String message) {

    public FieldError {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(message, "message");
    }
}
