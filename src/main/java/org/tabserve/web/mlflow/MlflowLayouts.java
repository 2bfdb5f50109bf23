package org.tabserve.web.mlflow;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tabserve.model.signature.Feature;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.rows.field.FieldProblem;
import org.tabserve.rows.field.JsonText;
import org.tabserve.rows.field.RowsException;
import org.tabserve.rows.json.JsonCells;
import org.tabserve.rows.json.PandasSplit;
import org.tabserve.rows.json.RowsRead;
import org.tabserve.web.http.HttpProblem;
import org.tabserve.web.http.WebConfig;

/**
 * The rows of MLflow's four JSON layouts, read into {@link RowsRead} once {@link MlflowRequestParser} has found which
 * one a body holds: {@code dataframe_split} and {@code dataframe_records} (pandas' split and records orientations),
 * and {@code instances} or {@code inputs} (the TF Serving layouts: a list of rows or an object of columns). Columns the
 * model does not take are skipped, as MLflow ignores them; a column it takes but that is absent is an error naming it.
 *
 * <p>One job: the layouts share their row readers (a row as an object of columns or as an array of values), the check
 * that every feature's column is there and the row limit; pandas' split orientation is read by {@link PandasSplit},
 * the one reader of it, which the JSON routes read a body of that shape with too.
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

    /**
     * {@code dataframe_split}: pandas' split orientation, {@code {"columns": [...], "data": [[...]], "index": [...]}},
     * read by the one reader of it ({@link PandasSplit}), which the JSON routes read a body of that shape with too.
     */
    void split(JsonParser parser, JsonToken token, RowsRead rows) throws IOException {
        if (token != JsonToken.START_OBJECT) {
            throw HttpProblem.badRequest("\"dataframe_split\" must be an object with \"columns\" and \"data\" (pandas' "
                    + "split orientation), got " + JsonText.describe(token));
        }
        PandasSplit frame = PandasSplit.of(reader, rows, maxRows, "\"" + MlflowRequestParser.DATAFRAME_SPLIT + "\"");
        try {
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String key = parser.currentName();
                if (!frame.field(key, parser, parser.nextToken())) {
                    throw HttpProblem.badRequest(
                            "\"dataframe_split\" has an unexpected key \"" + key
                                    + "\"; it takes \"columns\", \"data\" and optionally \"index\" (pandas' split orientation)");
                }
            }
            frame.finish();
        } catch (RowsException e) {
            throw HttpProblem.of(e, WebConfig.MAX_BATCH_ROWS);
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
        rows.requireColumns(lengths.keySet(), "\"" + key + "\"");
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

    /** Counts the items of an array without keeping them. */
    private int count(JsonParser parser, JsonToken token, String what) throws IOException {
        if (token != JsonToken.START_ARRAY) {
            throw HttpProblem.badRequest(what + " must be an array, got " + JsonText.describe(token));
        }
        return JsonText.countItems(parser, this::checkRowCount);
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
        return JsonText.quotedNames(names);
    }
}
