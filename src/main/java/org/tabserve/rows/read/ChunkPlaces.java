package org.tabserve.rows.read;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.tabserve.rows.field.FieldProblem;
import org.tabserve.rows.field.OnError;
import org.tabserve.rows.field.RowPlace;

/**
 * The rows of one chunk read with {@link OnError#ROW}, for {@link RowPass}: each in file order with the problems found
 * so far (while it is read, then when its chunk is made a batch), until the chunk is handed on and they become
 * {@link RowPlace}s. A row's problems are bounded ({@link RowPlace#MAX_PROBLEMS}), so that a wide row of bad cells
 * holds no more than that.
 */
final class ChunkPlaces {

    /** One row of the chunk: a candidate for the batch (its index among the chunk's rows read whole), or not. */
    private static final class Entry {
        final long number;
        final int candidate;
        final List<String> cells;
        List<FieldProblem> problems;
        int more;

        Entry(long number, int candidate, List<String> cells, List<FieldProblem> problems, int more) {
            this.number = number;
            this.candidate = candidate;
            this.cells = cells;
            this.problems = problems;
            this.more = more;
        }
    }

    private final List<Entry> entries = new ArrayList<>();
    /** Each candidate's entry. */
    private final int[] entryOf = new int[RowsReader.CHUNK_ROWS];
    /** The problems of the row being read, or null while it has none; and how many more were not kept. */
    private List<FieldProblem> current;

    private int currentMore;

    /** A problem of the row being read. */
    void problem(FieldProblem problem) {
        if (current == null) {
            current = new ArrayList<>(2);
        }
        if (current.size() < RowPlace.MAX_PROBLEMS - 1) {
            current.add(problem);
        } else {
            currentMore++;
        }
    }

    /** @return whether the row being read has a problem yet */
    boolean rowHasProblems() {
        return current != null;
    }

    /**
     * Ends the row being read.
     *
     * @param candidate its index among the chunk's rows read whole (which its batch is made of), or -1 when it was not
     * @param cells     its cells as written, when the answer echoes them and it is not a candidate; otherwise null
     */
    void endRow(long number, int candidate, List<String> cells) {
        if (candidate >= 0) {
            entryOf[candidate] = entries.size();
        }
        entries.add(new Entry(number, candidate, cells, current, currentMore));
        current = null;
        currentMore = 0;
    }

    /** @return the chunk's rows so far */
    int size() {
        return entries.size();
    }

    /** @return whether a candidate has a problem already (an unreadable cell) */
    boolean hasProblems(int candidate) {
        return entries.get(entryOf[candidate]).problems != null;
    }

    /** A problem of a candidate, found when its chunk was made a batch. */
    void problem(int candidate, FieldProblem problem) {
        Entry entry = entries.get(entryOf[candidate]);
        if (entry.problems == null) {
            entry.problems = new ArrayList<>(2);
        }
        if (entry.problems.size() < RowPlace.MAX_PROBLEMS - 1) {
            entry.problems.add(problem);
        } else {
            entry.more++;
        }
    }

    /**
     * The chunk's rows as places, in file order, and forgets them.
     *
     * @param batchRow        each candidate's row in the chunk's batch, or -1 when it was left out
     * @param candidateCells  a left-out candidate's cells as written, or null when the answer echoes none
     */
    List<RowPlace> places(int[] batchRow, IntFunction<List<String>> candidateCells) {
        List<RowPlace> places = new ArrayList<>(entries.size());
        for (Entry entry : entries) {
            int row = entry.candidate < 0 ? -1 : batchRow[entry.candidate];
            if (row >= 0) {
                places.add(RowPlace.scored(entry.number, row));
                continue;
            }
            List<FieldProblem> problems = entry.problems == null ? new ArrayList<>(1) : entry.problems;
            if (entry.more > 0) {
                problems.add(new FieldProblem(
                        "row", entry.more + " more problems in this row are not listed", (int) entry.number));
            }
            places.add(RowPlace.refused(
                    entry.number, problems, entry.candidate < 0 ? entry.cells : candidateCells.apply(entry.candidate)));
        }
        entries.clear();
        return places;
    }
}
