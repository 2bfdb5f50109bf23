package org.tabserve.model.trees;

/**
 * A model file that a forest reader refuses: malformed, past a bound ({@link ForestLimits}), or holding what tabserve
 * does not serve (a ranking objective, a linear booster); the message says which in words a user can act on, naming
 * the field or the feature, never a value of the model's.
 */
public final class ForestFormatException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ForestFormatException(String message) {
        super(message);
    }

    public ForestFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
