package org.tabserve.model.mlflow;

/**
 * An MLflow model directory that tabserve refuses: a malformed or oversized {@code MLmodel} or input example, an
 * artifact path that leaves the directory, or a flavor that stores code; the message names the field in words a user
 * can act on, never a value of the model's.
 */
public final class MlflowFormatException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public MlflowFormatException(String message) {
        super(message);
    }

    public MlflowFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
