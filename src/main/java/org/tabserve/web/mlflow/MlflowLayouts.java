package org.tabserve.web.mlflow;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tabserve.model.Feature;
import org.tabserve.model.ModelSignature;
import org.tabserve.rows.FieldProblem;
import org.tabserve.rows.JsonCells;
import org.tabserve.rows.JsonText;
import org.tabserve.rows.RowsRead;
import org.tabserve.web.http.HttpProblem;
import org.tabserve.web.http.WebConfig;

/**
 * The rows of MLflow's four JSON layouts, read into {@link RowsRead} once {@link MlflowRequestParser} has found which
 * one a body holds: {@code dataframe_split} and {@code dataframe_records} (pandas' split and records orientations),
 * and {@code instances} or {@code inputs} (the TF Serving layouts: a list of rows or an object of columns). Columns the
 * model does not take are skipped, as MLflow ignores them; a column it takes but that is absent is an error naming it.
 *
 * <p>One job in some 330 lines: the four layouts share their row readers (a row as an object of columns or as an array
 * of values), the check that every feature's column is there and the row limit, which apart would be passed around.
 */
final class MlflowLayouts {

    private final ModelSignature signature;
    private final JsonCells reader;
    private final int maxRows;

    MlflowLayouts(ModelSignature signature, JsonCells reader, int maxRows) {
        this.signature = signature;
        this.reader = reader;
        this.maxRows = maxRows;
    }

    /** {@code dataframe_split}: pandas' split orientation, {@code {"columns": [...], "data": [[...]], "index": [...]}}. */
    void split(JsonParser parser, JsonToken token, RowsRead rows) throws IOException {
        if (token != JsonToken.START_OBJECT) {
            throw HttpProblem.badRequest("\"dataframe_split\" must be an object with \"columns\" and \"data\" (pandas' "
                    + "split orientation), got " + JsonText.describe(token));
        }
        List<String> columns = null;
        byte[] early = null; // data sent before its columns, kept as JSON to be read once the columns are known
        boolean data = false;
        int indexLength = -1;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String key = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (key) {
                case "columns" -> columns = columnNames(parser, value);
                case "data" -> {
                    data = true;
                    if (columns == null) {
                        early = copy(parser);
                    } else {
                        splitData(parser, value, columns, rows);
                    }
                }
                case "index" -> indexLength = count(parser, value, "\"dataframe_split\".index");
                default ->
                    throw HttpProblem.badRequest(
                            "\"dataframe_split\" has an unexpected key \"" + key
                                    + "\"; it takes \"columns\", \"data\" and optionally \"index\" (pandas' split orientation)");
            }
        }
        if (columns == null || !data) {
            throw HttpProblem.badRequest("\"dataframe_split\" needs \"columns\" (the column names, e.g. "
                    + quoted(signature.featureNames()) + ") and \"data\" (one array of values per row)");
        }
        if (early != null) {
            try (JsonParser replay = JsonText.FACTORY.createParser(early)) {
                splitData(replay, replay.nextToken(), columns, rows);
            }
        }
        if (indexLength >= 0 && indexLength != rows.size()) {
            throw HttpProblem.badRequest("\"dataframe_split\" has " + indexLength + " index values for " + rows.size()
                    + " rows of data; send one per row, or no index");
        }
    }

    /** The JSON value at the parser, copied whole (within the body's size limit) to be read again. */
    private static byte[] copy(JsonParser parser) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (com.fasterxml.jackson.core.JsonGenerator copy = JsonText.FACTORY.createGenerator(bytes)) {
            copy.copyCurrentStructure(parser);
        }
        return bytes.toByteArray();
    }

    private static List<String> columnNames(JsonParser parser, JsonToken token) throws IOException {
        if (token != JsonToken.START_ARRAY) {
            throw HttpProblem.badRequest(
                    "\"dataframe_split\".columns must be an array of column names, got " + JsonText.describe(token));
        }
        List<String> names = new ArrayList<>();
        Set<String> seen = new java.util.HashSet<>();
        JsonToken item;
        while ((item = parser.nextToken()) != JsonToken.END_ARRAY) {
            if (item != JsonToken.VALUE_STRING) {
                throw HttpProblem.badRequest("\"dataframe_split\".columns must hold column names as strings; item "
                        + names.size() + " is " + JsonText.describe(item));
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

    /** The rows of a split frame, each an array with one value per column; columns the model does not take are skipped. */
    private void splitData(JsonParser parser, JsonToken token, List<String> columns, RowsRead rows) throws IOException {
        if (token != JsonToken.START_ARRAY) {
            throw HttpProblem.badRequest(
                    "\"dataframe_split\".data must be an array of rows, got " + JsonText.describe(token));
        }
        requireColumns(columns, "\"dataframe_split\".columns");
        Integer[] positions = new Integer[columns.size()];
        for (int i = 0; i < positions.length; i++) {
            positions[i] = reader.position(columns.get(i));
            if (positions[i] == null) {
                rows.ignore(columns.get(i));
            }
        }
        JsonToken item;
        while ((item = parser.nextToken()) != JsonToken.END_ARRAY) {
            int r = rows.size();
            checkRowCount(r);
            Object[] cells = reader.absentRow();
            rows.add(cells);
            if (item != JsonToken.START_ARRAY) {
                parser.skipChildren();
                rows.error(new FieldProblem(
                        "data",
                        "row " + r + " of \"dataframe_split\".data must be an array of " + "values, got "
                                + JsonText.describe(item),
                        r));
                continue;
            }
            int length = 0;
            JsonToken value;
            while ((value = parser.nextToken()) != JsonToken.END_ARRAY) {
                Integer at = length < positions.length ? positions[length] : null;
                if (at != null) {
                    cells[at] = reader.read(parser, value, reader.features().get(at), r, rows);
                } else {
                    parser.skipChildren();
                }
                length++;
            }
            if (length != columns.size()) {
                rows.error(new FieldProblem(
                        "data",
                        "row " + r + " of \"dataframe_split\".data has " + length + " values; \"columns\" names "
                                + columns.size() + ": " + quoted(columns),
                        r));
            }
        }
    }

    /** {@code dataframe_records}: pandas' records orientation, a list of objects of columns. */
    void records(JsonParser parser, JsonToken token, RowsRead rows) throws IOException {
        if (token != JsonToken.START_ARRAY) {
            throw HttpProblem.badRequest("\"dataframe_records\" must be an array of objects, one per row (pandas' "
                    + "records orientation), got " + JsonText.describe(token));
        }
        rowList(MlflowRequestParser.DATAFRAME_RECORDS, parser, rows, "record", "an object of columns", false);
    }

    /**
     * {@code instances} or {@code inputs}, the TF Serving layouts MLflow takes: a list of rows, each an object of
     * columns or an array of values in the model's column order, or an object of columns, each an array of values.
     */
    void tensorInput(String key, JsonParser parser, JsonToken token, RowsRead rows) throws IOException {
        if (token == JsonToken.START_OBJECT) {
            columns(key, parser, rows);
            return;
        }
        if (token != JsonToken.START_ARRAY) {
            throw HttpProblem.badRequest("\"" + key + "\" must be an array of rows or an object of columns, got "
                    + JsonText.describe(token));
        }
        rowList(
                key,
                parser,
                rows,
                "instance",
                "an object of columns or an array of " + signature.featureCount() + " values in the order "
                        + signature.featureNames(),
                true);
    }

    /**
     * The rows of a list, each an object of columns or, when {@code arrays}, an array of values in the model's column
     * order; any other item is an error on field {@code key}: "{@code noun} r must be {@code expected}".
     */
    private void rowList(String key, JsonParser parser, RowsRead rows, String noun, String expected, boolean arrays)
            throws IOException {
        JsonToken item;
        while ((item = parser.nextToken()) != JsonToken.END_ARRAY) {
            int r = rows.size();
            checkRowCount(r);
            if (item == JsonToken.START_OBJECT) {
                objectRow(parser, r, rows);
            } else if (arrays && item == JsonToken.START_ARRAY) {
                arrayRow(key, parser, r, rows);
            } else {
                rows.add(reader.absentRow());
                rows.error(new FieldProblem(
                        key, noun + " " + r + " must be " + expected + ", got " + JsonText.describe(item), r));
                parser.skipChildren();
            }
        }
    }

    /** An object of columns, each an array with one value per row, all of the same length. */
    private void columns(String key, JsonParser parser, RowsRead rows) throws IOException {
        Map<Integer, List<Object>> features = new HashMap<>();
        Map<String, Integer> lengths = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String column = parser.currentName();
            JsonToken value = parser.nextToken();
            if (value != JsonToken.START_ARRAY) {
                throw HttpProblem.invalidFields(List.of(new FieldProblem(
                        column,
                        "column '" + column + "' of \"" + key + "\" must be an array with one value per row, got "
                                + JsonText.describe(value),
                        null)));
            }
            Integer at = reader.position(column);
            if (at != null) {
                List<Object> cells = new ArrayList<>();
                JsonToken item;
                while ((item = parser.nextToken()) != JsonToken.END_ARRAY) {
                    checkRowCount(cells.size());
                    cells.add(reader.read(parser, item, reader.features().get(at), cells.size(), rows));
                }
                features.put(at, cells);
                lengths.put(column, cells.size());
            } else {
                rows.ignore(column);
                lengths.put(column, count(parser, value, "column '" + column + "'"));
            }
        }
        if (new java.util.HashSet<>(lengths.values()).size() > 1) {
            throw HttpProblem.badRequest(
                    "the columns of \"" + key + "\" must all have the same number of values; got " + lengths);
        }
        requireColumns(lengths.keySet(), "\"" + key + "\"");
        int count = lengths.values().iterator().next();
        for (int r = 0; r < count; r++) {
            Object[] cells = reader.absentRow();
            for (Map.Entry<Integer, List<Object>> column : features.entrySet()) {
                cells[column.getKey()] = column.getValue().get(r);
            }
            rows.add(cells);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Rows

    /** One row as an object of columns; columns the model does not take are skipped, as MLflow ignores them. */
    private void objectRow(JsonParser parser, int r, RowsRead rows) throws IOException {
        Object[] cells = reader.absentRow();
        rows.add(cells);
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            Integer at = reader.position(parser.currentName());
            JsonToken value = parser.nextToken();
            if (at != null) {
                cells[at] = reader.read(parser, value, reader.features().get(at), r, rows);
            } else {
                rows.ignore(parser.currentName());
                parser.skipChildren();
            }
        }
        rows.requireAll(cells, r);
    }

    /** One row as an array of values in the model's column order: exactly one value per feature. */
    private void arrayRow(String key, JsonParser parser, int r, RowsRead rows) throws IOException {
        List<Feature> features = reader.features();
        Object[] cells = reader.absentRow();
        rows.add(cells);
        int length = 0;
        JsonToken value;
        while ((value = parser.nextToken()) != JsonToken.END_ARRAY) {
            if (length < features.size()) {
                cells[length] = reader.read(parser, value, features.get(length), r, rows);
            } else {
                parser.skipChildren();
            }
            length++;
        }
        if (length != features.size()) {
            rows.error(new FieldProblem(
                    key,
                    "instance " + r + " has " + length + " values; the model takes " + features.size()
                            + " in this order: " + signature.featureNames(),
                    r));
        }
    }

    /** A 400 naming every feature the columns lack, as MLflow's "Model is missing inputs" does. */
    private void requireColumns(java.util.Collection<String> columns, String where) {
        List<FieldProblem> missing = new ArrayList<>();
        for (String feature : signature.featureNames()) {
            if (!columns.contains(feature)) {
                missing.add(new FieldProblem(
                        feature,
                        "missing column '" + feature + "': " + where + " has " + quoted(columns) + "; the model takes "
                                + quoted(signature.featureNames()),
                        null));
            }
        }
        if (!missing.isEmpty()) {
            throw HttpProblem.invalidFields(missing);
        }
    }

    /** Counts the items of an array without keeping them. */
    private int count(JsonParser parser, JsonToken token, String what) throws IOException {
        if (token != JsonToken.START_ARRAY) {
            throw HttpProblem.badRequest(what + " must be an array, got " + JsonText.describe(token));
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
            throw tooManyRows(maxRows);
        }
    }

    static HttpProblem tooManyRows(int maxRows) {
        return HttpProblem.tooLarge("more than " + maxRows + " rows in one request; send fewer or use /predict_file; "
                + WebConfig.raisedBy(WebConfig.MAX_BATCH_ROWS));
    }

    /** Names as a JSON-like list; a hostile body's thousands of names are cut after the first twenty. */
    static String quoted(java.util.Collection<String> names) {
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
