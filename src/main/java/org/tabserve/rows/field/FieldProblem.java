package org.tabserve.rows.field;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One bad field in a request, as shown to the caller in a problem's {@code errors} list. Not the model's
 * {@code FieldError}: that one always has a row, counted in the batch the model saw, where a caller is told the row
 * of the request or file or, for a lone row, none at all. Rows are counted from 0 in every format (a JSON body's
 * instances, a CSV's, JSON Lines', Arrow's and Parquet's data rows after any header): a row's number is its entry's
 * place in the answer. The message is the same for the same cause in every format; the row is not in it.
 *
 * @param field   the field (feature, parameter or CSV column) that is wrong
 * @param message what was found and what is allowed
 * @param row     for batches and files: the row, counted from 0; otherwise null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FieldProblem(String field, String message, Integer row) {

    /** @return the problem as a line of text names it: {@code row 3: message}, or the message of a lone row */
    public String said() {
        return row == null ? message : "row " + row + ": " + message;
    }
}
