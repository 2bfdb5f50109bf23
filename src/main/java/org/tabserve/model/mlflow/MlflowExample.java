package org.tabserve.model.mlflow;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The input example saved beside an MLflow model ({@code saved_input_example_info}), as rows of cells under column
 * names; a cell is a {@link String}, a {@link Long} (a whole JSON number), a {@link Double}, a {@link Boolean} or null.
 *
 * @param columns the column names, in the example's order
 * @param rows    the rows, each with one cell per column
 */
public record MlflowExample(List<String> columns, List<List<Object>> rows) {

    public MlflowExample {
        columns = List.copyOf(columns);
        List<List<Object>> copy = new ArrayList<>(rows.size());
        for (List<Object> row : rows) {
            copy.add(Collections.unmodifiableList(new ArrayList<>(row)));
        }
        rows = Collections.unmodifiableList(copy);
    }
}
