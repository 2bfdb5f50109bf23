package org.tabserve.model.trees.lightgbm;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tabserve.model.trees.ForestFormatException;
import org.tabserve.model.trees.ForestLimits;

/**
 * What a LightGBM text model holds after {@code end of trees}: its feature importances (skipped), the
 * {@code parameters:} block ({@code [key: value]} lines, of which the few a card shows are kept) and the
 * {@code pandas_categorical:} line the Python package appends.
 */
final class ModelTail {

    private static final List<String> KEPT =
            List.of("boosting", "objective", "num_iterations", "learning_rate", "linear_tree", "categorical_feature");

    final Map<String, String> parameters = new HashMap<>();
    /** Each DataFrame categorical column's categories; empty where the file has none. */
    List<List<String>> pandasCategorical = List.of();

    static ModelTail read(ModelLines lines, ForestLimits limits, int features) {
        ModelTail tail = new ModelTail();
        boolean inParameters = false;
        boolean pandasSeen = false;
        while (lines.next()) {
            if (lines.is("parameters:")) {
                inParameters = true;
            } else if (lines.is("end of parameters")) {
                inParameters = false;
            } else if (inParameters && lines.startsWith("[") && lines.end() - lines.start() < 4096) {
                String line = lines.text(lines.start(), lines.end());
                int colon = line.indexOf(": ");
                if (colon > 1 && line.endsWith("]")) {
                    String key = line.substring(1, colon);
                    if (KEPT.contains(key)) {
                        tail.parameters.put(key, line.substring(colon + 2, line.length() - 1));
                    }
                }
            } else if (lines.startsWith("pandas_categorical:")) {
                if (pandasSeen) {
                    throw new ForestFormatException("the file has two pandas_categorical lines");
                }
                pandasSeen = true;
                String json = lines.text(lines.start() + "pandas_categorical:".length(), lines.end());
                tail.pandasCategorical = PandasCategorical.parse(json, limits.maxCategories(), features);
            }
        }
        return tail;
    }
}
