package org.tabserve.model.answer;

import java.util.Arrays;

/**
 * Where each row of a request went, in the order it was sent: to its place among the rows scored, or refused; what
 * an answer walks to put every row back in its place ({@code ?on_error=row}, Spark's rows).
 */
public final class SentOrder {

    /** {@link #scoredAt}'s answer for a row that was refused. */
    public static final int REFUSED = -1;

    /** For each row sent, its index among the rows scored, or {@link #REFUSED}; null when every row was scored. */
    private final int[] scoredAt;

    private final int sent;

    private SentOrder(int sent, int[] scoredAt) {
        this.sent = sent;
        this.scoredAt = scoredAt;
    }

    /** @return the order of {@code sent} rows all scored, each in its own place */
    public static SentOrder allScored(int sent) {
        return new SentOrder(sent, null);
    }

    /** @param scoredAt for each row sent, its index among the rows scored, or {@link #REFUSED} (copied) */
    public static SentOrder of(int[] scoredAt) {
        return new SentOrder(scoredAt.length, scoredAt.clone());
    }

    /**
     * @param sent     how many rows were sent
     * @param sentRows for each row scored, in order, its place among those sent
     */
    public static SentOrder ofScored(int sent, int[] sentRows) {
        int[] at = new int[sent];
        Arrays.fill(at, REFUSED);
        for (int scored = 0; scored < sentRows.length; scored++) {
            at[sentRows[scored]] = scored;
        }
        return new SentOrder(sent, at);
    }

    /** @return how many rows were sent */
    public int sent() {
        return sent;
    }

    /** @return {@link #scoredAt} of each row sent, in an array of its own */
    public int[] indexes() {
        int[] at = new int[sent];
        for (int row = 0; row < sent; row++) {
            at[row] = scoredAt(row);
        }
        return at;
    }

    /** @return the index among the rows scored of row {@code sentRow} as sent, or {@link #REFUSED} */
    public int scoredAt(int sentRow) {
        if (sentRow < 0 || sentRow >= sent) {
            throw new IndexOutOfBoundsException(sentRow);
        }
        return scoredAt == null ? sentRow : scoredAt[sentRow];
    }
}
