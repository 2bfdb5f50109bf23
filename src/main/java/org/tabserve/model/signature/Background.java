package org.tabserve.model.signature;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A reproducible sample of a model's training rows kept in its card ({@code CardKeys.BACKGROUND}), so that an
 * explanation can say how far each input moved the answer away from what the model says on average over that data.
 *
 * @param columns     the model's input columns, in order
 * @param rows        the rows, each one value per column as the data had it: a {@link Number}, a {@link String}, a
 *                    {@link Boolean}, or {@code null} for a missing value
 * @param seed        the seed the rows were drawn with
 * @param sampledFrom how many rows they were drawn from
 */
public record Background(List<String> columns, List<List<Object>> rows, long seed, long sampledFrom) {

    public Background {
        columns = List.copyOf(columns);
        List<List<Object>> copied = new ArrayList<>(rows.size());
        for (List<Object> row : rows) {
            if (row.size() != columns.size()) {
                throw new IllegalArgumentException(
                        "a background row has " + row.size() + " values for " + columns.size() + " columns");
            }
            copied.add(Collections.unmodifiableList(new ArrayList<>(row))); // nulls are missing values
        }
        rows = Collections.unmodifiableList(copied);
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("a background needs at least one row");
        }
        Objects.requireNonNull(columns, "columns");
    }

    /** @return the number of rows */
    public int size() {
        return rows.size();
    }

    /** @return the rows as cells for {@link Batch#of} */
    public List<Object[]> cells() {
        List<Object[]> cells = new ArrayList<>(rows.size());
        for (List<Object> row : rows) {
            cells.add(row.toArray());
        }
        return cells;
    }
}
