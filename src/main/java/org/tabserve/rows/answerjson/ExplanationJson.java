package org.tabserve.rows.answerjson;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import org.tabserve.model.answer.FieldValues;
import org.tabserve.model.explain.Explanation;

/**
 * Writes one row's explanation as the JSON routes answer it, so that every route that explains spells it alike:
 * {@code "explanation": {"method", "class" (a classifier's), "base_value", "output", "contributions": {column: value},
 * "background_rows"}}, and for {@code "permutation"} also {@code "permutations"}, {@code "standard_errors"}
 * ({column: the standard error of its contribution}, beside {@code "contributions"}) and {@code "standard_error"} (the
 * largest of them).
 */
public final class ExplanationJson {

    /** The field an answered row carries its explanation in. */
    public static final String FIELD = "explanation";

    /** The key of a sampled explanation's standard error of each column's contribution, by column name. */
    public static final String STANDARD_ERRORS = "standard_errors";

    private ExplanationJson() {}

    /** Writes {@code "explanation": {...}} into the row's object being written. */
    public static void write(JsonGenerator json, Explanation explanation) throws IOException {
        json.writeFieldName(FIELD);
        writeObject(json, explanation);
    }

    /** The explanation as a JSON object alone, for a list of them (MLflow's answer, {@code "explanations"}). */
    public static void writeObject(JsonGenerator json, Explanation explanation) throws IOException {
        FieldJson.write(json, FieldValues.explanation(explanation));
    }
}
