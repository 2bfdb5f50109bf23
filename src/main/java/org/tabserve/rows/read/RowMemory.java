package org.tabserve.rows.read;

/**
 * The heap a parse holds for its longest row so far (the CSV lexer's buffer and cell strings, the JSON Lines reader's
 * line), reserved from a request's memory budget as rows grow, so that many uploads of long rows at once wait or get
 * 503 instead of filling the heap. Rows up to {@link #FREE_CHARS} cost nothing here; past that the reservation
 * doubles, up to {@link #MAX_ROW_CHARS}.
 */
public final class RowMemory {

    /** Characters in one row, separators included (not its line end); the same as the longest CSV header row. */
    public static final int MAX_ROW_CHARS = 1 << 20;
    /** Row length that needs no reservation: the parse's buffers start this large anyway. */
    public static final int FREE_CHARS = 1 << 16;
    /**
     * Heap per character of the longest row, measured (bytes allocated by a parse of one long row, less those of a
     * short one): 4.0 for a long data row, 15.3 for a long header of characters past Latin-1, which is read twice (its
     * separator is found, then it is split) and kept as strings.
     */
    public static final int BYTES_PER_CHAR = 16;
    /** Reserves nothing: for readers outside the server (the command line), whose heap is their own. */
    public static final RowMemory NONE = new RowMemory(null);

    private final java.util.function.LongConsumer grow;
    private int reservedChars; // the row length the reservation covers

    /** @param grow takes that many more bytes from the request's budget, or throws its 503 */
    RowMemory(java.util.function.LongConsumer grow) {
        this.grow = grow;
        this.reservedChars = grow == null ? MAX_ROW_CHARS : FREE_CHARS;
    }

    /** The row length past which {@link #reach} must be told. */
    public int checkAt() {
        return reservedChars;
    }

    /** Reserves for a row of {@code chars} (at most {@link #MAX_ROW_CHARS}) when it is longer than reserved. */
    public void reach(int chars) {
        if (chars <= reservedChars) {
            return;
        }
        int covered = reservedChars;
        while (covered < chars && covered < MAX_ROW_CHARS) {
            covered = (int) Math.min((long) covered * 2, MAX_ROW_CHARS);
        }
        long before = reservedChars == FREE_CHARS ? 0 : (long) reservedChars * BYTES_PER_CHAR;
        grow.accept((long) covered * BYTES_PER_CHAR - before);
        reservedChars = covered;
    }
}
