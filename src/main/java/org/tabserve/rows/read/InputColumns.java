package org.tabserve.rows.read;

import java.util.ArrayList;
import java.util.List;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.rows.field.FieldProblem;
import org.tabserve.rows.field.RowsException;

/** An input's columns matched to the model's features by name, whatever the format (CSV, JSON Lines, Arrow, Parquet). */
public final class InputColumns {

    private InputColumns() {}

    /**
     * Where each feature sits among an input's columns; a 400 naming every missing feature.
     *
     * @param missing what a missing feature's error says, in the input's words
     */
    public static int[] featureColumns(
            ModelSignature signature, List<String> columns, java.util.function.UnaryOperator<String> missing) {
        List<String> features = signature.featureNames();
        int[] at = new int[features.size()];
        List<FieldProblem> problems = new ArrayList<>();
        for (int i = 0; i < features.size(); i++) {
            at[i] = columns.indexOf(features.get(i));
            if (at[i] < 0) {
                problems.add(new FieldProblem(features.get(i), missing.apply(features.get(i)), null));
            }
        }
        if (!problems.isEmpty()) {
            throw RowsException.invalidFields(problems);
        }
        return at;
    }

    /**
     * The columns the model does not take, in input order: ignored (their cells are carried through to a CSV answer)
     * and named once in a JSON answer's warnings. pandas' unnamed index column is not one of them.
     */
    static List<String> ignored(ModelSignature signature, List<String> columns, boolean unnamedIndex) {
        List<String> ignored = new ArrayList<>();
        java.util.Set<String> features = new java.util.HashSet<>(signature.featureNames());
        for (int i = 0; i < columns.size(); i++) {
            String name = columns.get(i);
            if (!features.contains(name) && !(name.isEmpty() && i == 0 && unnamedIndex)) {
                ignored.add(name);
            }
        }
        return List.copyOf(ignored);
    }
}
