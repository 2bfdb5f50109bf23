package org.tabserve.model.signature;

import java.util.List;

/**
 * The one failure type of the model layer: either the caller's input is wrong (with every bad field listed), the
 * model file cannot be served, or ONNX Runtime failed while predicting.
 */
public final class ModelException extends RuntimeException {

    /** Most field errors one exception carries; the message still counts all of them. */
    public static final int MAX_FIELD_ERRORS = 100;

    /** Whose fault it is, which decides how an outer layer answers. */
    public enum Kind {
        /** The caller sent values the model cannot take; {@link #fieldErrors()} says which and why. */
        INVALID_INPUT,
        /** The model file is missing, is not ONNX, or has a shape tabserve cannot serve. */
        UNUSABLE_MODEL,
        /** ONNX Runtime failed on valid input, or the classifier is closed. */
        PREDICTION_FAILED
    }

    private final Kind kind;
    private final List<FieldError> fieldErrors;
    /** For {@link Kind#UNUSABLE_MODEL}: what is wrong, without the file it names; null otherwise. */
    private final String reason;

    private ModelException(Kind kind, String message, List<FieldError> fieldErrors, Throwable cause) {
        this(kind, message, fieldErrors, cause, null);
    }

    private ModelException(Kind kind, String message, List<FieldError> fieldErrors, Throwable cause, String reason) {
        super(message, cause);
        this.kind = kind;
        this.fieldErrors = List.copyOf(fieldErrors);
        this.reason = reason;
    }

    /**
     * Input that breaks the model's contract.
     *
     * @param errors the bad fields, at most {@link #MAX_FIELD_ERRORS} of them
     * @param total  how many errors were found in all, which may exceed the list's size
     */
    static ModelException invalidInput(List<FieldError> errors, int total) {
        String message = total == 1
                ? errors.get(0).message()
                : total + " invalid values" + (total > errors.size() ? " (first " + errors.size() + " listed)" : "");
        return new ModelException(Kind.INVALID_INPUT, message, errors, null);
    }

    /** A model file that cannot be served; the message names the file and the reason. */
    public static ModelException unusable(String source, String reason, Throwable cause) {
        return new ModelException(
                Kind.UNUSABLE_MODEL, "cannot serve model " + source + ": " + reason, List.of(), cause, reason);
    }

    /**
     * A model file that cannot be served because reading {@code what} of it failed in a way tabserve did not foresee:
     * a fault of the reading, not words for a user, so the reason points to the server log, which has it in full.
     */
    public static ModelException unexpected(String source, String what, Throwable cause) {
        return unusable(
                source,
                "tabserve could not read " + what
                        + " (an unexpected failure: the server log has the details under the file's name)",
                cause);
    }

    /** A failure inside ONNX Runtime on input that passed validation. */
    public static ModelException predictionFailed(String reason, Throwable cause) {
        return new ModelException(Kind.PREDICTION_FAILED, reason, List.of(), cause);
    }

    /** @return whose fault this is */
    public Kind kind() {
        return kind;
    }

    /**
     * @return what is wrong, without the path of the file it is about (for {@link Kind#UNUSABLE_MODEL}; the message
     *         names the file), so that a caller may show it to someone who is not to learn the server's paths; for
     *         the other kinds, the message
     */
    public String reason() {
        return reason != null ? reason : getMessage();
    }

    /** @return the bad fields for {@link Kind#INVALID_INPUT}, otherwise empty */
    public List<FieldError> fieldErrors() {
        return fieldErrors;
    }

    /**
     * The rows of a batch this refuses by their index, as a model refuses the rows it could only judge once it computed
     * them (a row whose answer is not finite), so that a batch read with bad rows answered in their place can answer
     * each such row with its errors in its place (issue 76).
     *
     * @param size the batch's rows
     * @return the rows refused, by their index in the batch, each with its errors; null when this is not a refusal of
     *         some of the batch's rows by their index (the request's own failure, to be passed on)
     */
    public java.util.Map<Integer, List<FieldError>> refusedRows(int size) {
        if (kind != Kind.INVALID_INPUT || fieldErrors.isEmpty()) {
            return null;
        }
        java.util.Map<Integer, List<FieldError>> refused = new java.util.TreeMap<>();
        for (FieldError error : fieldErrors) {
            if (error.row() < 0 || error.row() >= size) {
                return null; // not this batch's rows (an explanation's mixed rows): the refusal is the request's
            }
            refused.computeIfAbsent(error.row(), r -> new java.util.ArrayList<>())
                    .add(error);
        }
        return refused;
    }
}
