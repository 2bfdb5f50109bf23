package org.tabserve.model.card;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The rows of a data file that a card's figures leave out ({@code card --skip-invalid}), with the first few reasons,
 * so that a card never silently describes a subset of its data ({@link CardKeys#SKIPPED_ROWS}).
 *
 * @param file    the data file's name
 * @param rows    the file's data rows, those skipped included
 * @param skipped how many were skipped
 * @param reasons the first few skipped rows with what was wrong (at most {@link #MAX_REASONS})
 */
public record SkippedRows(String file, long rows, long skipped, List<Reason> reasons) {

    /** The reasons a card keeps per file: the count tells the rest. */
    public static final int MAX_REASONS = 5;

    public SkippedRows {
        Objects.requireNonNull(file, "file");
        reasons = List.copyOf(reasons);
    }

    /**
     * One skipped row and what was wrong with it.
     *
     * @param row     its number in the file, data rows counted from 0
     * @param field   the column that was wrong ({@code row} for the row as a whole)
     * @param message what was found and what is allowed
     */
    public record Reason(long row, String field, String message) {
        public Reason {
            Objects.requireNonNull(field, "field");
            Objects.requireNonNull(message, "message");
        }
    }

    /** @return the skip as one sentence for people: "2 of 891 rows of titanic.csv were skipped: row 62: embarked: …" */
    public String sentence() {
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "%,d of %,d rows", skipped, rows));
        if (!file.isEmpty()) {
            text.append(" of ").append(file);
        }
        text.append(skipped == 1 ? " was" : " were").append(" skipped");
        for (int i = 0; i < reasons.size(); i++) {
            Reason reason = reasons.get(i);
            text.append(i == 0 ? ": " : "; ")
                    .append("row ")
                    .append(reason.row())
                    .append(": ")
                    .append(reason.field())
                    .append(": ")
                    .append(reason.message());
        }
        if (skipped > reasons.size() && !reasons.isEmpty()) {
            text.append("; …");
        }
        return text.append('.').toString();
    }
}
