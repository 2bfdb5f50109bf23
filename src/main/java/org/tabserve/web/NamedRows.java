package org.tabserve.web;

import org.tabserve.model.FieldError;
import org.tabserve.model.ModelException;
import org.tabserve.model.ModelSignature;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Finishes rows of named values that a parser read: the model's signature puts them in column order and names the
 * missing and unknown fields, and those join the parser's own findings in one 400.
 */
final class NamedRows {

    private NamedRows() {
    }

    /**
     * @param rows        one map per row; a value the parser could not read is present with a placeholder
     * @param parseErrors what the parser found wrong
     * @param batch       whether rows are numbered in the errors (a single row is not)
     * @return the rows in the model's column order
     * @throws HttpProblem a 400 listing every problem
     */
    static double[][] order(ModelSignature signature, List<Map<String, Double>> rows, List<FieldProblem> parseErrors,
                            boolean batch) {
        List<FieldProblem> errors = new ArrayList<>(parseErrors);
        double[][] ordered = null;
        try {
            ordered = signature.orderRows(rows);
        } catch (ModelException e) {
            if (e.kind() != ModelException.Kind.INVALID_INPUT) {
                throw e;
            }
            for (FieldError f : e.fieldErrors()) {
                errors.add(new FieldProblem(f.field(), f.message(), batch ? f.row() : null));
            }
        }
        if (!errors.isEmpty()) {
            throw HttpProblem.invalidFields(errors);
        }
        return ordered;
    }
}
