package org.tabserve.rows.field;

import java.util.List;

/**
 * Where one data row of a batch read with {@link OnError#ROW} went, so that an answer can put every row back in the
 * file's order: scored at {@link #batchRow} of its chunk's batch, or refused with its problems.
 *
 * @param number   the row's number in the file, data rows counted from 0 ({@link FieldProblem#row}'s count)
 * @param batchRow the row's index in its chunk's batch when it was scored, otherwise -1
 * @param problems why the row was refused (at most {@link #MAX_PROBLEMS}, each with the row's number); empty when it
 *                 was scored
 * @param cells    a refused row's cells as the file wrote them, for an answer that echoes the input columns; null
 *                 when it was scored or no echo was asked for
 */
public record RowPlace(long number, int batchRow, List<FieldProblem> problems, List<String> cells) {

    /** The problems kept for one row: the rest are counted in {@link #problems}' last entry. */
    public static final int MAX_PROBLEMS = 100;

    public RowPlace {
        problems = List.copyOf(problems);
        cells = cells == null ? null : List.copyOf(cells);
    }

    /** A row that joined its chunk's batch at {@code batchRow}. */
    public static RowPlace scored(long number, int batchRow) {
        return new RowPlace(number, batchRow, List.of(), null);
    }

    /** A row left out of the batch for its {@code problems}. */
    public static RowPlace refused(long number, List<FieldProblem> problems, List<String> cells) {
        return new RowPlace(number, -1, problems, cells);
    }

    /** @return whether the row was scored (it has a prediction at {@link #batchRow}) */
    public boolean isScored() {
        return batchRow >= 0;
    }

    /** @return the problems as one line, {@code field: message; field: message}, for a CSV cell or a log */
    public String problemsText() {
        StringBuilder text = new StringBuilder();
        for (FieldProblem problem : problems) {
            if (!text.isEmpty()) {
                text.append("; ");
            }
            text.append(problem.field()).append(": ").append(problem.message());
        }
        return text.toString();
    }

    /**
     * @return the heap this place holds, over-estimated, for a caller that budgets what it keeps: the place, each
     *         problem (its record and two strings, two bytes a character) and each echoed cell
     */
    public long heldBytes() {
        long bytes = 64;
        for (FieldProblem problem : problems) {
            bytes += 112 + 2L * (problem.field().length() + problem.message().length());
        }
        if (cells != null) {
            for (String cell : cells) {
                bytes += 56 + 2L * cell.length();
            }
        }
        return bytes;
    }
}
