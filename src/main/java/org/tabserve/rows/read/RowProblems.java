package org.tabserve.rows.read;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.tabserve.rows.field.FieldProblem;
import org.tabserve.rows.field.OnError;
import org.tabserve.rows.field.RowsException;

/**
 * The problems that refuse an input ({@link OnError#REJECT}), for a {@link RowPass}: every one counted, the first
 * hundred kept, and at the end one refusal listing them by row.
 */
final class RowProblems {

    private static final int KEPT = 100;

    private final List<FieldProblem> kept = new ArrayList<>();
    private int count;

    void add(FieldProblem problem) {
        count++;
        if (kept.size() < KEPT) {
            kept.add(problem);
        }
    }

    /** @return whether the input has a problem so far */
    boolean any() {
        return count > 0;
    }

    /**
     * Refuses the input if it has problems: read errors are found as rows are read, the batch's at the end of each
     * chunk, so they are listed by row.
     *
     * @param what the input's name in the message ("the CSV")
     * @throws RowsException 400 listing the problems by row
     */
    void refuseIfAny(String what) {
        if (count == 0) {
            return;
        }
        kept.sort(Comparator.comparing(FieldProblem::row, Comparator.nullsFirst(Comparator.naturalOrder())));
        throw RowsException.invalidFields(
                count + " invalid value(s) in " + what
                        + (count > kept.size() ? "; the first " + kept.size() + " are listed" : ""),
                kept);
    }
}
