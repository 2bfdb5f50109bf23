package org.tabserve.web;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import org.tabserve.model.ModelSignature;

import java.io.CharConversionException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads prediction requests in JSON, streaming: one object of named features, or {@code {"instances": [...]}} whose
 * items are such objects or arrays of numbers in the model's feature order.
 */
final class JsonRowsParser {

    /** Rows in the model's column order, and whether the caller sent a batch. */
    record ParsedRows(double[][] rows, boolean batch) {
    }

    private static final String INSTANCES = "instances";

    private final ModelSignature signature;
    private final int maxRows;

    JsonRowsParser(ModelSignature signature, int maxRows) {
        this.signature = signature;
        this.maxRows = maxRows;
    }

    /**
     * @throws HttpProblem 400 for malformed JSON or bad fields (all of them listed), 413 for too many rows
     */
    ParsedRows parse(InputStream body) throws IOException {
        try (JsonParser parser = Json.FACTORY.createParser(body)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw HttpProblem.badRequest("the body is empty; send a JSON object of features, e.g. "
                        + example() + ", or {\"instances\": [...]}");
            }
            if (first != JsonToken.START_OBJECT) {
                throw HttpProblem.badRequest("the body must be a JSON object, got " + describe(first));
            }
            List<FieldProblem> errors = new ArrayList<>();
            Map<String, Double> features = new LinkedHashMap<>();
            List<Object> instances = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (INSTANCES.equals(name)) {
                    instances = instances(parser, value, errors);
                } else {
                    features.put(name, number(parser, value, name, null, errors));
                }
            }
            if (parser.nextToken() != null) {
                throw HttpProblem.badRequest("unexpected content after the JSON object");
            }
            if (instances == null) {
                return new ParsedRows(NamedRows.order(signature, List.of(features), errors, false), false);
            }
            if (!features.isEmpty()) {
                throw HttpProblem.badRequest("send either \"instances\" or the features " + features.keySet()
                        + " at the top level, not both");
            }
            return new ParsedRows(rows(instances, errors), true);
        } catch (JsonProcessingException | CharConversionException e) {
            throw Json.malformed(e);
        }
    }

    /** Reads the instances array: each item a {@code Map<String, Double>} or a {@code double[]}. */
    private List<Object> instances(JsonParser parser, JsonToken token, List<FieldProblem> errors) throws IOException {
        if (token != JsonToken.START_ARRAY) {
            throw HttpProblem.badRequest("\"instances\" must be an array of objects or arrays, got " + describe(token));
        }
        List<Object> instances = new ArrayList<>();
        JsonToken item;
        while ((item = parser.nextToken()) != JsonToken.END_ARRAY) {
            int row = instances.size();
            if (row >= maxRows) {
                throw HttpProblem.tooLarge("more than " + maxRows + " instances in one request; send fewer or use /predict_file");
            }
            if (item == JsonToken.START_OBJECT) {
                Map<String, Double> named = new LinkedHashMap<>();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    named.put(name, number(parser, parser.nextToken(), name, row, errors));
                }
                instances.add(named);
            } else if (item == JsonToken.START_ARRAY) {
                List<Double> values = new ArrayList<>();
                JsonToken value;
                while ((value = parser.nextToken()) != JsonToken.END_ARRAY) {
                    int i = values.size();
                    String field = i < signature.featureCount() ? signature.featureNames().get(i) : "[" + i + "]";
                    values.add(number(parser, value, field, row, errors));
                }
                instances.add(values.stream().mapToDouble(Double::doubleValue).toArray());
            } else {
                errors.add(new FieldProblem(INSTANCES, "instance " + row + " must be an object of features or an "
                        + "array of " + signature.featureCount() + " numbers, got " + describe(item), row));
                parser.skipChildren();
                instances.add(new double[0]);
            }
        }
        return instances;
    }

    /** Puts every instance in the model's order, listing every problem of every instance at once. */
    private double[][] rows(List<Object> instances, List<FieldProblem> parseErrors) {
        List<FieldProblem> errors = new ArrayList<>(parseErrors);
        List<Map<String, Double>> named = new ArrayList<>();
        List<Integer> namedAt = new ArrayList<>();
        double[][] rows = new double[instances.size()][];
        for (int i = 0; i < instances.size(); i++) {
            if (instances.get(i) instanceof double[] array) {
                rows[i] = array;
                countProblems(array.length, i, errors);
            } else {
                @SuppressWarnings("unchecked")
                Map<String, Double> map = (Map<String, Double>) instances.get(i);
                named.add(map);
                namedAt.add(i);
            }
        }
        if (!named.isEmpty()) {
            try {
                double[][] ordered = NamedRows.order(signature, named, List.of(), true);
                for (int k = 0; k < ordered.length; k++) {
                    rows[namedAt.get(k)] = ordered[k];
                }
            } catch (HttpProblem e) {
                // The signature numbers named rows among themselves; report them by the request's instance index.
                for (FieldProblem f : e.errors()) {
                    errors.add(new FieldProblem(f.field(), f.message(), namedAt.get(f.row())));
                }
            }
        }
        if (!errors.isEmpty()) {
            throw HttpProblem.invalidFields(errors);
        }
        return rows;
    }

    /** An array instance must hold exactly one value per feature; names each missing feature or extra position. */
    private void countProblems(int length, int row, List<FieldProblem> errors) {
        List<String> features = signature.featureNames();
        if (length == 0 && errors.stream().anyMatch(e -> e.row() != null && e.row() == row)) {
            return; // not an array at all, already reported
        }
        String counts = "instance " + row + " has " + length + " values; the model takes " + features.size()
                + " in this order: " + features;
        for (int i = length; i < features.size(); i++) {
            errors.add(new FieldProblem(features.get(i), "missing value for feature '" + features.get(i) + "': " + counts, row));
        }
        for (int i = features.size(); i < length; i++) {
            errors.add(new FieldProblem("[" + i + "]", "unexpected value at position " + (i + 1) + ": " + counts, row));
        }
    }

    /** Reads a number, recording an error (and returning a placeholder) for anything else. */
    private static Double number(JsonParser parser, JsonToken token, String field, Integer row,
                                 List<FieldProblem> errors) throws IOException {
        if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
            double value = parser.getDoubleValue();
            if (!Double.isFinite(value)) {
                errors.add(new FieldProblem(field, "'" + field + "' is out of range: " + parser.getText(), row));
                return 0.0;
            }
            String problem = ModelSignature.valueProblem(field, value);
            if (problem != null) {
                errors.add(new FieldProblem(field, problem, row));
                return 0.0;
            }
            return value;
        }
        errors.add(new FieldProblem(field, "'" + field + "' must be a number, got " + describe(token), row));
        parser.skipChildren();
        return 0.0;
    }

    private static String describe(JsonToken token) {
        return switch (token) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            default -> token.toString();
        };
    }

    private String example() {
        StringBuilder text = new StringBuilder("{");
        for (String feature : signature.featureNames()) {
            text.append(text.length() > 1 ? ", " : "").append('"').append(feature).append("\": 0.0");
        }
        return text.append('}').toString();
    }
}
