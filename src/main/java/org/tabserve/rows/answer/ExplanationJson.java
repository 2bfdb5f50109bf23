package org.tabserve.rows.answer;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.Map;
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
        json.writeStartObject();
        json.writeStringField("method", explanation.method());
        json.writeStringField("explained", explanation.explained());
        if (explanation.explainedClass() != null) {
            json.writeStringField("class", explanation.explainedClass());
        }
        json.writeNumberField("base_value", explanation.baseValue());
        json.writeNumberField("output", explanation.output());
        json.writeObjectFieldStart("contributions");
        for (Map.Entry<String, Double> contribution :
                explanation.contributions().entrySet()) {
            json.writeNumberField(contribution.getKey(), contribution.getValue());
        }
        json.writeEndObject();
        if (Explanation.PERMUTATION.equals(explanation.method())) {
            json.writeObjectFieldStart(STANDARD_ERRORS);
            for (Map.Entry<String, Double> error : explanation.standardErrors().entrySet()) {
                json.writeNumberField(error.getKey(), error.getValue());
            }
            json.writeEndObject();
        }
        json.writeNumberField("background_rows", explanation.backgroundRows());
        if (Explanation.PERMUTATION.equals(explanation.method())) {
            json.writeNumberField("permutations", explanation.permutations());
            json.writeNumberField("standard_error", explanation.maxStandardError());
        }
        json.writeEndObject();
    }
}
