package org.tabserve.rows.field;

import java.util.List;

/**
 * The one failure type of the rows layer: what a caller sent cannot be read as rows, with every bad field listed.
 * Its {@link Kind} says what HTTP makes of it; the web layer maps it to its answer in one place
 * ({@code HttpProblem.of(RowsException)}), so that the command line and the servlets refuse a file in the same words.
 */
public final class RowsException extends RuntimeException {

    /** What is wrong, which decides how an outer layer answers. */
    public enum Kind {
        /** The text is not the format it claims (malformed JSON or CSV, an empty body, a wrong layout): HTTP 400. */
        MALFORMED,
        /** The rows are readable but values in them are not; {@link #errors()} says which and why: HTTP 400. */
        INVALID_FIELDS,
        /** More cells or characters than a row may have, a fixed limit: HTTP 413. */
        TOO_LARGE,
        /**
         * More rows than the reader's caller allows ({@code maxRows}): HTTP 413. The caller set the limit, so it is
         * the caller that says how to raise it.
         */
        TOO_MANY_ROWS,
        /**
         * More rows with errors than one answer may carry in their places ({@link OnError#ROW}): HTTP 413. A bad
         * row's errors are far longer than the row, so a small upload of bad rows would otherwise make a huge answer.
         * The server's one setting sets the bound, and its answer names it.
         */
        TOO_MANY_ERROR_ROWS
    }

    private final Kind kind;
    private final List<FieldProblem> errors;

    private RowsException(Kind kind, String message, List<FieldProblem> errors) {
        super(message);
        this.kind = kind;
        this.errors = List.copyOf(errors);
    }

    /** Text that is not what it should be, said in the caller's terms. */
    public static RowsException malformed(String message) {
        return new RowsException(Kind.MALFORMED, message, List.of());
    }

    /** Values that are wrong, every one listed; the message is the one field's, or how many there are. */
    public static RowsException invalidFields(List<FieldProblem> errors) {
        String message = errors.size() == 1 ? errors.get(0).said() : errors.size() + " fields are invalid; see errors";
        return invalidFields(message, errors);
    }

    /** Values that are wrong, with a message of the caller's own (a count beyond those listed, say). */
    public static RowsException invalidFields(String message, List<FieldProblem> errors) {
        return new RowsException(Kind.INVALID_FIELDS, message, errors);
    }

    /** More than a row may hold; the message names the limit and what to do. */
    public static RowsException tooLarge(String message) {
        return new RowsException(Kind.TOO_LARGE, message, List.of());
    }

    /** More rows than the caller allows; the message names the limit and what to do. */
    public static RowsException tooManyRows(String message) {
        return new RowsException(Kind.TOO_MANY_ROWS, message, List.of());
    }

    /** More rows with errors than the caller answers in their places; the message names the bound. */
    static RowsException tooManyErrorRows(String message) {
        return new RowsException(Kind.TOO_MANY_ERROR_ROWS, message, List.of());
    }

    /** @return what is wrong */
    public Kind kind() {
        return kind;
    }

    /** @return the bad fields for {@link Kind#INVALID_FIELDS}, otherwise empty */
    public List<FieldProblem> errors() {
        return errors;
    }

    /**
     * @return the problem as one line, for the command line, which has no {@code errors} list to point to: the one
     *         bad field's message, or how many there are and the first few of them, each after its row
     */
    public String oneLine() {
        if (errors.size() == 1) {
            return errors.get(0).said();
        }
        if (errors.isEmpty()) {
            return getMessage();
        }
        String lead = getMessage().replace("; see errors", "").replaceFirst("; the first \\d+ are listed$", "");
        List<String> shown =
                errors.stream().limit(ONE_LINE_ERRORS).map(FieldProblem::said).toList();
        return lead + ": " + String.join("; ", shown)
                + (errors.size() > shown.size() ? "; and " + (errors.size() - shown.size()) + " more" : "");
    }

    /** How many problems {@link #oneLine()} spells out. */
    static final int ONE_LINE_ERRORS = 3;
}
