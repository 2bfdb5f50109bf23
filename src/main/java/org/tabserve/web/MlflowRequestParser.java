package org.tabserve.web;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import org.tabserve.model.ModelSignature;

import java.io.CharConversionException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the bodies of MLflow's scoring protocol ({@code POST /invocations}, as {@code mlflow models serve} takes
 * them), so that MLflow clients and habits work unchanged: JSON with exactly one of {@code dataframe_split},
 * {@code dataframe_records}, {@code instances} or {@code inputs} (and optionally {@code params}), or a pandas-style
 * CSV with a header. Every body becomes rows in the model's column order through {@link NamedRows}, as the other JSON
 * routes' rows do, and every bad value is listed at once with its row (counted from 0).
 *
 * <p>Where MLflow's own server is lenient in ways that hide mistakes, this one follows tabserve's rule instead (a 400
 * naming the field): a top-level key other than the four formats and {@code params} is refused rather than dropped.
 * As in MLflow, columns the model does not take are ignored (a DataFrame often carries an id), and a column it takes
 * but that is absent is an error naming it.
 */
final class MlflowRequestParser {

    static final String DATAFRAME_SPLIT = "dataframe_split";
    static final String DATAFRAME_RECORDS = "dataframe_records";
    static final String INSTANCES = "instances";
    static final String INPUTS = "inputs";
    static final String PARAMS = "params";
    /** MLflow's input fields, in the order its documentation lists them. */
    static final List<String> FORMATS = List.of(DATAFRAME_SPLIT, DATAFRAME_RECORDS, INSTANCES, INPUTS);

    /** What MLflow's server says when the input fields are not exactly one of {@link #FORMATS}; kept in meaning. */
    static final String REQUIRED_INPUT_FORMAT = "the input must be a JSON object with exactly one of the input fields "
            + "\"dataframe_split\", \"dataframe_records\", \"instances\" or \"inputs\" (and optionally \"params\")";

    private final ModelSignature signature;
    private final int maxRows;

    MlflowRequestParser(ModelSignature signature, int maxRows) {
        this.signature = signature;
        this.maxRows = maxRows;
    }

    /** A JSON value that is not a usable number, kept until its column is known (a split frame's data may come first). */
    private record Bad(String found, boolean outOfRange) {
    }

    /** An item of a split frame's data that is not an array, kept to be reported in row order. */
    private record NotARow(String found) {
    }

    /**
     * Reads a JSON body.
     *
     * @return the rows in the model's column order (possibly none)
     * @throws HttpProblem 400 for malformed JSON, a wrong layout or bad values (all of them listed), 413 for more
     *                     rows than the batch limit
     */
    double[][] parseJson(InputStream body) throws IOException {
        try (JsonParser parser = Json.FACTORY.createParser(body)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw HttpProblem.badRequest("the body is empty; " + REQUIRED_INPUT_FORMAT + ", e.g. "
                        + "{\"dataframe_split\": {\"columns\": " + quoted(signature.featureNames()) + ", \"data\": [[...]]}}");
            }
            if (first != JsonToken.START_OBJECT) {
                throw HttpProblem.badRequest(REQUIRED_INPUT_FORMAT + "; received " + Json.describe(first));
            }
            Set<String> keys = new LinkedHashSet<>();
            List<FieldProblem> errors = new ArrayList<>();
            List<Map<String, Double>> rows = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String key = parser.currentName();
                JsonToken value = parser.nextToken();
                keys.add(key);
                if (FORMATS.contains(key) && rows == null) {
                    rows = switch (key) {
                        case DATAFRAME_SPLIT -> split(parser, value, errors);
                        case DATAFRAME_RECORDS -> records(parser, value, errors);
                        default -> tensorInput(key, parser, value, errors);
                    };
                } else {
                    if (PARAMS.equals(key) && value != JsonToken.START_OBJECT && value != JsonToken.VALUE_NULL) {
                        throw HttpProblem.invalidFields(List.of(new FieldProblem(PARAMS, "\"params\" must be an "
                                + "object of parameters, got " + Json.describe(value), null)));
                    }
                    parser.skipChildren(); // a second format is refused below; params are accepted and not used
                }
            }
            if (parser.nextToken() != null) {
                throw HttpProblem.badRequest("unexpected content after the JSON object");
            }
            List<String> formats = keys.stream().filter(FORMATS::contains).toList();
            if (formats.size() != 1) {
                throw HttpProblem.badRequest(REQUIRED_INPUT_FORMAT + "; received the fields " + quoted(keys));
            }
            List<String> unknown = keys.stream().filter(k -> !FORMATS.contains(k) && !PARAMS.equals(k)).toList();
            if (!unknown.isEmpty()) {
                List<FieldProblem> problems = new ArrayList<>();
                for (String key : unknown) {
                    problems.add(new FieldProblem(key, "unexpected field \"" + key + "\": " + REQUIRED_INPUT_FORMAT
                            + "; received the fields " + quoted(keys), null));
                }
                throw HttpProblem.invalidFields(problems);
            }
            return NamedRows.order(signature, rows, errors, true);
        } catch (JsonProcessingException | CharConversionException e) {
            throw Json.malformed(e);
        }
    }

    /**
     * Reads a pandas-style CSV body ({@code DataFrame.to_csv()}, its unnamed index column included) with the CSV
     * upload's parser, so that both routes read CSV alike.
     *
     * @throws HttpProblem 400 listing the problems, 413 past the batch limit
     */
    double[][] parseCsv(InputStream body) throws IOException {
        List<double[]> rows = new java.util.ArrayList<>();
        boolean all = new CsvRowsParser(signature, maxRows, true).validateAndKeep(body, maxRows,
                chunk -> rows.addAll(java.util.Arrays.asList(chunk.numbers())), (count, textChars) -> true);
        if (!all) { // cannot happen: the parser refuses more than maxRows rows before keeping them
            throw tooManyRows();
        }
        return rows.toArray(double[][]::new);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The four layouts

    /** {@code dataframe_split}: pandas' split orientation, {@code {"columns": [...], "data": [[...]], "index": [...]}}. */
    private List<Map<String, Double>> split(JsonParser parser, JsonToken token, List<FieldProblem> errors)
            throws IOException {
        if (token != JsonToken.START_OBJECT) {
            throw HttpProblem.badRequest("\"dataframe_split\" must be an object with \"columns\" and \"data\" (pandas' "
                    + "split orientation), got " + Json.describe(token));
        }
        List<String> columns = null;
        List<Object> data = null;
        int indexLength = -1;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String key = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (key) {
                case "columns" -> columns = columnNames(parser, value);
                case "data" -> data = splitData(parser, value);
                case "index" -> indexLength = count(parser, value, "\"dataframe_split\".index");
                default -> throw HttpProblem.badRequest("\"dataframe_split\" has an unexpected key \"" + key
                        + "\"; it takes \"columns\", \"data\" and optionally \"index\" (pandas' split orientation)");
            }
        }
        if (columns == null || data == null) {
            throw HttpProblem.badRequest("\"dataframe_split\" needs \"columns\" (the column names, e.g. "
                    + quoted(signature.featureNames()) + ") and \"data\" (one array of values per row)");
        }
        if (indexLength >= 0 && indexLength != data.size()) {
            throw HttpProblem.badRequest("\"dataframe_split\" has " + indexLength + " index values for "
                    + data.size() + " rows of data; send one per row, or no index");
        }
        requireColumns(columns, "\"dataframe_split\".columns");
        Map<String, Integer> position = new HashMap<>();
        for (int i = 0; i < columns.size(); i++) {
            position.put(columns.get(i), i);
        }
        List<Map<String, Double>> rows = new ArrayList<>(data.size());
        for (int r = 0; r < data.size(); r++) {
            Map<String, Double> row = new LinkedHashMap<>();
            if (!(data.get(r) instanceof Object[] cells)) {
                errors.add(new FieldProblem("data", "row " + r + " of \"dataframe_split\".data must be an array of "
                        + "values, got " + ((NotARow) data.get(r)).found(), r));
                placeholders(row);
            } else if (cells.length != columns.size()) {
                errors.add(new FieldProblem("data", "row " + r + " of \"dataframe_split\".data has " + cells.length
                        + " values; \"columns\" names " + columns.size() + ": " + quoted(columns), r));
                placeholders(row);
            } else {
                for (String feature : signature.featureNames()) {
                    row.put(feature, value(feature, cells[position.get(feature)], r, errors));
                }
            }
            rows.add(row);
        }
        return rows;
    }

    private static List<String> columnNames(JsonParser parser, JsonToken token) throws IOException {
        if (token != JsonToken.START_ARRAY) {
            throw HttpProblem.badRequest("\"dataframe_split\".columns must be an array of column names, got "
                    + Json.describe(token));
        }
        List<String> names = new ArrayList<>();
        Set<String> seen = new java.util.HashSet<>();
        JsonToken item;
        while ((item = parser.nextToken()) != JsonToken.END_ARRAY) {
            if (item != JsonToken.VALUE_STRING) {
                throw HttpProblem.badRequest("\"dataframe_split\".columns must hold column names as strings; item "
                        + names.size() + " is " + Json.describe(item));
            }
            String name = parser.getText();
            if (!seen.add(name)) {
                throw HttpProblem.badRequest("column '" + name + "' appears twice in \"dataframe_split\".columns; "
                        + "name each column once");
            }
            names.add(name);
        }
        return names;
    }

    /** The rows of a split frame as raw cells ({@code Object[]}, or {@link NotARow}): their columns may come after them. */
    private List<Object> splitData(JsonParser parser, JsonToken token) throws IOException {
        if (token != JsonToken.START_ARRAY) {
            throw HttpProblem.badRequest("\"dataframe_split\".data must be an array of rows, got " + Json.describe(token));
        }
        List<Object> rows = new ArrayList<>();
        JsonToken item;
        while ((item = parser.nextToken()) != JsonToken.END_ARRAY) {
            int r = rows.size();
            checkRowCount(r);
            if (item != JsonToken.START_ARRAY) {
                parser.skipChildren();
                rows.add(new NotARow(Json.describe(item))); // reported in row order, with the other rows' problems
                continue;
            }
            List<Object> cells = new ArrayList<>();
            JsonToken value;
            while ((value = parser.nextToken()) != JsonToken.END_ARRAY) {
                cells.add(cell(parser, value));
            }
            rows.add(cells.toArray());
        }
        return rows;
    }

    /** {@code dataframe_records}: pandas' records orientation, a list of objects of columns. */
    private List<Map<String, Double>> records(JsonParser parser, JsonToken token, List<FieldProblem> errors)
            throws IOException {
        if (token != JsonToken.START_ARRAY) {
            throw HttpProblem.badRequest("\"dataframe_records\" must be an array of objects, one per row (pandas' "
                    + "records orientation), got " + Json.describe(token));
        }
        List<Map<String, Double>> rows = new ArrayList<>();
        JsonToken item;
        while ((item = parser.nextToken()) != JsonToken.END_ARRAY) {
            int r = rows.size();
            checkRowCount(r);
            if (item == JsonToken.START_OBJECT) {
                rows.add(objectRow(parser, r, errors));
            } else {
                errors.add(new FieldProblem(DATAFRAME_RECORDS, "record " + r + " must be an object of columns, got "
                        + Json.describe(item), r));
                parser.skipChildren();
                rows.add(placeholders(new LinkedHashMap<>()));
            }
        }
        return rows;
    }

    /**
     * {@code instances} or {@code inputs}, the TF Serving layouts MLflow takes: a list of rows, each an object of
     * columns or an array of values in the model's column order, or an object of columns, each an array of values.
     */
    private List<Map<String, Double>> tensorInput(String key, JsonParser parser, JsonToken token,
                                                  List<FieldProblem> errors) throws IOException {
        if (token == JsonToken.START_OBJECT) {
            return columns(key, parser, errors);
        }
        if (token != JsonToken.START_ARRAY) {
            throw HttpProblem.badRequest("\"" + key + "\" must be an array of rows or an object of columns, got "
                    + Json.describe(token));
        }
        List<Map<String, Double>> rows = new ArrayList<>();
        JsonToken item;
        while ((item = parser.nextToken()) != JsonToken.END_ARRAY) {
            int r = rows.size();
            checkRowCount(r);
            if (item == JsonToken.START_OBJECT) {
                rows.add(objectRow(parser, r, errors));
            } else if (item == JsonToken.START_ARRAY) {
                rows.add(arrayRow(key, parser, r, errors));
            } else {
                errors.add(new FieldProblem(key, "instance " + r + " must be an object of columns or an array of "
                        + signature.featureCount() + " values in the order " + signature.featureNames() + ", got "
                        + Json.describe(item), r));
                parser.skipChildren();
                rows.add(placeholders(new LinkedHashMap<>()));
            }
        }
        return rows;
    }

    /** An object of columns, each an array with one value per row, all of the same length. */
    private List<Map<String, Double>> columns(String key, JsonParser parser, List<FieldProblem> errors)
            throws IOException {
        Map<String, List<Object>> features = new LinkedHashMap<>();
        Map<String, Integer> lengths = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String column = parser.currentName();
            JsonToken value = parser.nextToken();
            if (value != JsonToken.START_ARRAY) {
                throw HttpProblem.invalidFields(List.of(new FieldProblem(column, "column '" + column + "' of \"" + key
                        + "\" must be an array with one value per row, got " + Json.describe(value), null)));
            }
            if (signature.featureNames().contains(column)) {
                List<Object> cells = new ArrayList<>();
                JsonToken item;
                while ((item = parser.nextToken()) != JsonToken.END_ARRAY) {
                    checkRowCount(cells.size());
                    cells.add(cell(parser, item));
                }
                features.put(column, cells);
                lengths.put(column, cells.size());
            } else {
                lengths.put(column, count(parser, value, "column '" + column + "'"));
            }
        }
        if (new java.util.HashSet<>(lengths.values()).size() > 1) {
            throw HttpProblem.badRequest("the columns of \"" + key + "\" must all have the same number of values; got "
                    + lengths);
        }
        requireColumns(lengths.keySet(), "\"" + key + "\"");
        int count = lengths.values().iterator().next();
        List<Map<String, Double>> rows = new ArrayList<>(count);
        for (int r = 0; r < count; r++) {
            Map<String, Double> row = new LinkedHashMap<>();
            for (String feature : signature.featureNames()) {
                row.put(feature, value(feature, features.get(feature).get(r), r, errors));
            }
            rows.add(row);
        }
        return rows;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Rows and values

    /** One row as an object of columns; columns the model does not take are skipped, as MLflow ignores them. */
    private Map<String, Double> objectRow(JsonParser parser, int r, List<FieldProblem> errors) throws IOException {
        Map<String, Double> row = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String column = parser.currentName();
            JsonToken value = parser.nextToken();
            if (signature.featureNames().contains(column)) {
                row.put(column, value(column, cell(parser, value), r, errors));
            } else {
                parser.skipChildren();
            }
        }
        return row;
    }

    /** One row as an array of values in the model's column order: exactly one value per feature. */
    private Map<String, Double> arrayRow(String key, JsonParser parser, int r, List<FieldProblem> errors)
            throws IOException {
        List<String> features = signature.featureNames();
        Map<String, Double> row = new LinkedHashMap<>();
        int length = 0;
        JsonToken value;
        while ((value = parser.nextToken()) != JsonToken.END_ARRAY) {
            if (length < features.size()) {
                row.put(features.get(length), value(features.get(length), cell(parser, value), r, errors));
            } else {
                parser.skipChildren();
            }
            length++;
        }
        if (length != features.size()) {
            errors.add(new FieldProblem(key, "instance " + r + " has " + length + " values; the model takes "
                    + features.size() + " in this order: " + features, r));
            placeholders(row); // the count is the problem; do not also list each missing feature
        }
        return row;
    }

    /** Reads one value: a finite number as a Double, anything else as what it is, for the error once its field is known. */
    private static Object cell(JsonParser parser, JsonToken token) throws IOException {
        if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
            double value = parser.getDoubleValue();
            return Double.isFinite(value) ? (Object) value : new Bad(parser.getText(), true);
        }
        Bad bad = new Bad(Json.describe(token), false);
        parser.skipChildren();
        return bad;
    }

    /** The value of one cell for a feature, or a placeholder with its problem recorded, worded as /api/predict words it. */
    private static Double value(String feature, Object cell, int r, List<FieldProblem> errors) {
        if (cell instanceof Double number) {
            String problem = ModelSignature.valueProblem(feature, number);
            if (problem == null) {
                return number;
            }
            errors.add(new FieldProblem(feature, problem, r));
        } else {
            Bad bad = (Bad) cell;
            errors.add(new FieldProblem(feature, bad.outOfRange() ? "'" + feature + "' is out of range: " + bad.found()
                    : "'" + feature + "' must be a number, got " + bad.found(), r));
        }
        return 0.0;
    }

    /** Fills a row whose problem is already reported, so that no missing feature is reported for it again. */
    private Map<String, Double> placeholders(Map<String, Double> row) {
        for (String feature : signature.featureNames()) {
            row.putIfAbsent(feature, 0.0);
        }
        return row;
    }

    /** A 400 naming every feature the columns lack, as MLflow's "Model is missing inputs" does. */
    private void requireColumns(java.util.Collection<String> columns, String where) {
        List<FieldProblem> missing = new ArrayList<>();
        for (String feature : signature.featureNames()) {
            if (!columns.contains(feature)) {
                missing.add(new FieldProblem(feature, "missing column '" + feature + "': " + where + " has "
                        + quoted(columns) + "; the model takes " + quoted(signature.featureNames()), null));
            }
        }
        if (!missing.isEmpty()) {
            throw HttpProblem.invalidFields(missing);
        }
    }

    /** Counts the items of an array without keeping them. */
    private int count(JsonParser parser, JsonToken token, String what) throws IOException {
        if (token != JsonToken.START_ARRAY) {
            throw HttpProblem.badRequest(what + " must be an array, got " + Json.describe(token));
        }
        int count = 0;
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            checkRowCount(count);
            parser.skipChildren();
            count++;
        }
        return count;
    }

    private void checkRowCount(int rowsSoFar) {
        if (rowsSoFar >= maxRows) {
            throw tooManyRows();
        }
    }

    private HttpProblem tooManyRows() {
        return HttpProblem.tooLarge("more than " + maxRows + " rows in one request; send fewer or use /predict_file");
    }

    /** Names as a JSON-like list; a hostile body's thousands of names are cut after the first twenty. */
    private static String quoted(java.util.Collection<String> names) {
        StringBuilder text = new StringBuilder("[");
        int shown = 0;
        for (String name : names) {
            if (shown == 20) {
                text.append(", … (").append(names.size() - shown).append(" more)");
                break;
            }
            text.append(shown++ > 0 ? ", " : "").append('"').append(name).append('"');
        }
        return text.append(']').toString();
    }

}
