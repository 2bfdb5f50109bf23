package org.tabserve.rows.field;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One bad field in a request, as shown to the caller in a problem's {@code errors} list. Not the model's
 * {@code FieldError}: that one always has a row, counted from 0 in the batch the model saw, where a caller is told
 * the row of the request or file (CSV data rows counted from 1) or, for a lone row, none at all.
 *
 * @param field   the field (feature, parameter or CSV column) that is wrong
 * @param message what was found and what is allowed
 * @param row     for batches and CSV: the row (instances counted from 0, CSV data rows from 1); otherwise null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FieldProblem(String field, String message, Integer row) {}
