package org.tabserve.web;

import org.tabserve.model.ModelSignature;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one row from request parameters, the shared format of {@code GET /predict?variance=..} and the HTML form:
 * each parameter a feature name with one decimal value. Unknown, repeated, missing and non-numeric fields are all
 * reported, with what was typed kept for the form to show again.
 */
final class ParameterRowParser {

    /**
     * @param typed  feature name to the text the caller sent (for echoing back)
     * @param row    the row in the model's order, or null when there are errors
     * @param errors every bad field
     */
    record ParsedRow(Map<String, String> typed, double[] row, List<FieldProblem> errors) {

        /** @return the row, or a 400 listing every bad field */
        double[] orThrow() {
            if (!errors.isEmpty()) {
                throw HttpProblem.invalidFields(errors);
            }
            return row;
        }
    }

    private final ModelSignature signature;

    ParameterRowParser(ModelSignature signature) {
        this.signature = signature;
    }

    /**
     * Reads a request's parameters (query, or a url-encoded form body within {@code maxBodyBytes}); a body the
     * container cannot decode is a 400, one over the limit a 413, never a 500.
     */
    static Map<String, String[]> parameters(jakarta.servlet.http.HttpServletRequest request, long maxBodyBytes) {
        if (request.getContentLengthLong() > maxBodyBytes) {
            throw HttpProblem.declaredTooLarge("the form", request.getContentLengthLong(), maxBodyBytes);
        }
        try {
            return request.getParameterMap();
        } catch (RuntimeException e) {
            throw HttpProblem.badRequest("the parameters could not be read (too large or not url-encoded UTF-8)");
        }
    }

    ParsedRow parse(Map<String, String[]> parameters) {
        Map<String, String> typed = new LinkedHashMap<>();
        Map<String, Double> named = new LinkedHashMap<>();
        List<FieldProblem> errors = new ArrayList<>();
        for (Map.Entry<String, String[]> parameter : parameters.entrySet()) {
            String field = parameter.getKey();
            String[] values = parameter.getValue();
            String text = values.length == 0 ? "" : values[0];
            typed.put(field, text);
            if (values.length > 1) {
                errors.add(new FieldProblem(field, "'" + field + "' is given " + values.length + " times; give it once", null));
            }
            if (!signature.featureNames().contains(field)) {
                named.put(field, 0.0); // reported as unknown by the signature
                continue;
            }
            var value = NumberText.parse(text);
            String problem = value.isPresent() ? ModelSignature.valueProblem(field, value.get())
                    : NumberText.problem(field, text);
            if (problem != null) {
                errors.add(new FieldProblem(field, problem, null));
            }
            named.put(field, problem == null ? value.get() : 0.0);
        }
        try {
            double[] row = NamedRows.order(signature, List.of(named), errors, false)[0];
            return new ParsedRow(typed, row, List.of());
        } catch (HttpProblem e) {
            return new ParsedRow(typed, null, e.errors());
        }
    }
}
