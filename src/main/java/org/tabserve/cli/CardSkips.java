package org.tabserve.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tabserve.model.card.SkippedRows;
import org.tabserve.rows.field.FieldProblem;
import org.tabserve.rows.field.RowPlace;

/**
 * The rows one reading of a data file left out ({@code card --skip-invalid}), counted, with the first few reasons:
 * what the card records under {@code skipped_rows} and the command says, so that no row is dropped silently.
 */
final class CardSkips {

    private final String file;
    private final List<SkippedRows.Reason> reasons = new ArrayList<>();
    private long skipped;

    CardSkips(String file) {
        this.file = file;
    }

    /** A row the reading left out, with its problems. */
    void accept(RowPlace place) {
        skipped++;
        if (reasons.size() < SkippedRows.MAX_REASONS) {
            FieldProblem first = place.problems().get(0);
            String message = place.problems().size() == 1
                    ? first.message()
                    : first.message() + " (and " + (place.problems().size() - 1) + " more)";
            reasons.add(new SkippedRows.Reason(place.number(), first.field(), message));
        }
    }

    long skipped() {
        return skipped;
    }

    /** @param used the rows the card was made from */
    SkippedRows of(long used) {
        return new SkippedRows(file, used + skipped, skipped, reasons);
    }

    /** The card's entry for this file ({@code CardKeys.SKIPPED_ROWS}). */
    Map<String, Object> json(long used) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("file", file);
        entry.put("rows", used + skipped);
        entry.put("skipped", skipped);
        List<Map<String, Object>> kept = new ArrayList<>();
        for (SkippedRows.Reason reason : reasons) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("row", reason.row());
            r.put("field", reason.field());
            r.put("message", reason.message());
            kept.add(r);
        }
        entry.put("reasons", kept);
        return entry;
    }
}
