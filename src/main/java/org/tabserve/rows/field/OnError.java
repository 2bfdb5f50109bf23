package org.tabserve.rows.field;

import java.util.Locale;

/**
 * What a batch of rows does with the rows that cannot be scored, chosen by the caller on every batch route
 * ({@code ?on_error=row|reject}) and by {@code score --on-error}: one choice and one default everywhere, so that a
 * file answered one way on one route is never answered another way on the next.
 *
 * <p>The default is {@link #REJECT}, as every route answered before the choice existed and as MLflow's and the Open
 * Inference Protocol's servers answer: a program that indexes the answer's rows by the request's rows never meets a
 * hole it did not ask for. The refusal names the way on ({@link #HINT}).
 */
public enum OnError {
    /** Every row is answered: the good ones with their prediction, each bad one with its errors in its place. */
    ROW,
    /** One bad row refuses the whole batch (a 400 listing every bad value); nothing is scored. */
    REJECT;

    /** The query parameter (and the {@code score} option's name, with a dash). */
    public static final String PARAMETER = "on_error";

    /** What every route does when the caller does not say. */
    public static final OnError DEFAULT = REJECT;

    /** Said in a refusal of bad rows, so that the caller knows there is a way on. */
    public static final String HINT =
            "send ?" + PARAMETER + "=row to answer every other row, each bad row with its" + " errors in its place";

    /** No bound on the rows answered with their errors: for the command line, whose answer is a file it chose. */
    public static final long UNBOUNDED = Long.MAX_VALUE;

    /**
     * Refuses a batch read in row mode once more than {@code maxErrorRows} of its rows have errors: each is answered
     * with its problems, which take far more room than the row ({@code x,x,x,x} answers four sentences), so without
     * a bound a small (gzip) upload of bad rows makes an answer hundreds of times its size.
     *
     * @throws RowsException {@link RowsException.Kind#TOO_MANY_ERROR_ROWS} past the bound
     */
    public static void requireAtMost(long errorRows, long maxErrorRows) {
        if (errorRows > maxErrorRows) {
            throw RowsException.tooManyErrorRows("more than " + maxErrorRows + " rows have errors; ?" + PARAMETER
                    + "=row answers at most " + maxErrorRows + " rows with their errors in one request; correct the"
                    + " rows, or send them in smaller parts");
        }
    }

    /** @return the word a caller sends for this choice */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Reads the caller's choice.
     *
     * @param sent the parameter's value as sent, or null when it was not sent
     * @throws RowsException 400 naming the parameter and the words it takes
     */
    public static OnError parse(String sent) {
        if (sent == null) {
            return DEFAULT;
        }
        for (OnError choice : values()) {
            if (choice.word().equals(sent.strip().toLowerCase(Locale.ROOT))) {
                return choice;
            }
        }
        throw RowsException.invalidFields(java.util.List.of(new FieldProblem(
                PARAMETER,
                "'" + PARAMETER + "' is '"
                        + sent
                        + "'; it takes 'row' (answer every row, a bad one with its errors) or 'reject' (refuse the"
                        + " batch when a row is bad, the default)",
                null)));
    }
}
