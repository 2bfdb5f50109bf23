package org.tabserve.web.mlflow;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import org.tabserve.model.Batch;
import org.tabserve.model.Feature;
import org.tabserve.model.ModelSignature;
import org.tabserve.rows.CsvRowsParser;
import org.tabserve.rows.FieldProblem;
import org.tabserve.rows.JsonCells;
import org.tabserve.rows.JsonText;
import org.tabserve.rows.RowsRead;
import org.tabserve.web.http.HttpProblem;

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
 * CSV with a header. Every value is read as {@link JsonCells} reads JSON values for every JSON route (text stays text,
 * {@code null} is a missing value, whole numbers stay exact), the rows are checked into a {@link Batch} as the other
 * routes' are, and every bad value is listed at once with its row (counted from 0).
 *
 * <p>Where MLflow's own server is lenient in ways that hide mistakes, this one follows tabserve's rule instead (a 400
 * naming the field): a top-level key other than the four formats and {@code params} is refused rather than dropped.
 * As in MLflow, columns the model does not take are ignored (a DataFrame often carries an id), and a column it takes
 * but that is absent is an error naming it.
 */
public final class MlflowRequestParser {

    public static final String DATAFRAME_SPLIT = "dataframe_split";
    public static final String DATAFRAME_RECORDS = "dataframe_records";
    public static final String INSTANCES = "instances";
    public static final String INPUTS = "inputs";
    public static final String PARAMS = "params";
    /** MLflow's input fields, in the order its documentation lists them. */
    static final List<String> FORMATS = List.of(DATAFRAME_SPLIT, DATAFRAME_RECORDS, INSTANCES, INPUTS);

    /** What MLflow's server says when the input fields are not exactly one of {@link #FORMATS}; kept in meaning. */
    static final String REQUIRED_INPUT_FORMAT = "the input must be a JSON object with exactly one of the input fields "
            + "\"dataframe_split\", \"dataframe_records\", \"instances\" or \"inputs\" (and optionally \"params\")";

    private final ModelSignature signature;
    private final JsonCells reader;
    private final int maxRows;

    public MlflowRequestParser(ModelSignature signature, int maxRows) {
        this.signature = signature;
        this.reader = JsonCells.of(signature);
        this.maxRows = maxRows;
    }

    /**
     * Reads a JSON body.
     *
     * @return the rows, checked against the model's signature (at least one)
     * @throws HttpProblem 400 for malformed JSON, a wrong layout or bad values (all of them listed), 413 for more
     *                     rows than the batch limit
     */
    public Batch parseJson(InputStream body) throws IOException {
        try (JsonParser parser = JsonText.parser(body)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw HttpProblem.badRequest("the body is empty; " + REQUIRED_INPUT_FORMAT + ", e.g. "
                        + "{\"dataframe_split\": {\"columns\": " + quoted(signature.featureNames()) + ", \"data\": [[...]]}}");
            }
            if (first != JsonToken.START_OBJECT) {
                throw HttpProblem.badRequest(REQUIRED_INPUT_FORMAT + "; received " + JsonText.describe(first));
            }
            Set<String> keys = new LinkedHashSet<>();
            RowsRead rows = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String key = parser.currentName();
                JsonToken value = parser.nextToken();
                keys.add(key);
                if (FORMATS.contains(key) && rows == null) {
                    rows = reader.rows();
                    switch (key) {
                        case DATAFRAME_SPLIT -> split(parser, value, rows);
                        case DATAFRAME_RECORDS -> records(parser, value, rows);
                        default -> tensorInput(key, parser, value, rows);
                    }
                } else {
                    if (PARAMS.equals(key) && value != JsonToken.START_OBJECT && value != JsonToken.VALUE_NULL) {
                        throw HttpProblem.invalidFields(List.of(new FieldProblem(PARAMS, "\"params\" must be an "
                                + "object of parameters, got " + JsonText.describe(value), null)));
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
            return rows.checkBatch(formats.get(0));
        } catch (JsonProcessingException | CharConversionException e) {
            throw JsonText.malformed(e);
        }
    }

    /**
     * Reads a pandas-style CSV body ({@code DataFrame.to_csv()}, its unnamed index column included) with the CSV
     * upload's parser, so that both routes read CSV alike.
     *
     * @return the rows, checked against the model's signature, in the chunks the CSV reader hands on
     * @throws HttpProblem 400 listing the problems, 413 past the batch limit
     */
    public List<Batch> parseCsv(InputStream body) throws IOException {
        List<Batch> chunks = new ArrayList<>();
        // No row reservation here (CsvRowsParser#reservingRowMemory): the body is metered at 16 bytes of budget a
        // byte as it is read, which already covers what a long row's parse holds (at most 15.3 bytes a character,
        // measured) with the rows kept; reserving both made a 1 MB body of one long row a 413 at -Xmx64m.
        boolean all = new CsvRowsParser(signature, maxRows, true).validateAndKeep(body, maxRows,
                chunk -> chunks.add(chunk.batch()), (count, textChars) -> true);
        if (!all) { // cannot happen: the parser refuses more than maxRows rows before keeping them
            throw tooManyRows();
        }
        return chunks;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The four layouts

    /** {@code dataframe_split}: pandas' split orientation, {@code {"columns": [...], "data": [[...]], "index": [...]}}. */
    private void split(JsonParser parser, JsonToken token, RowsRead rows) throws IOException {
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
                default -> throw HttpProblem.badRequest("\"dataframe_split\" has an unexpected key \"" + key
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
            throw HttpProblem.badRequest("\"dataframe_split\" has " + indexLength + " index values for "
                    + rows.size() + " rows of data; send one per row, or no index");
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
            throw HttpProblem.badRequest("\"dataframe_split\".columns must be an array of column names, got "
                    + JsonText.describe(token));
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
    private void splitData(JsonParser parser, JsonToken token, List<String> columns, RowsRead rows)
            throws IOException {
        if (token != JsonToken.START_ARRAY) {
            throw HttpProblem.badRequest("\"dataframe_split\".data must be an array of rows, got " + JsonText.describe(token));
        }
        requireColumns(columns, "\"dataframe_split\".columns");
        Integer[] positions = new Integer[columns.size()];
        for (int i = 0; i < positions.length; i++) {
            positions[i] = reader.position(columns.get(i));
        }
        JsonToken item;
        while ((item = parser.nextToken()) != JsonToken.END_ARRAY) {
            int r = rows.size();
            checkRowCount(r);
            Object[] cells = reader.absentRow();
            rows.add(cells);
            if (item != JsonToken.START_ARRAY) {
                parser.skipChildren();
                rows.error(new FieldProblem("data", "row " + r + " of \"dataframe_split\".data must be an array of "
                        + "values, got " + JsonText.describe(item), r));
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
                rows.error(new FieldProblem("data", "row " + r + " of \"dataframe_split\".data has " + length
                        + " values; \"columns\" names " + columns.size() + ": " + quoted(columns), r));
            }
        }
    }

    /** {@code dataframe_records}: pandas' records orientation, a list of objects of columns. */
    private void records(JsonParser parser, JsonToken token, RowsRead rows) throws IOException {
        if (token != JsonToken.START_ARRAY) {
            throw HttpProblem.badRequest("\"dataframe_records\" must be an array of objects, one per row (pandas' "
                    + "records orientation), got " + JsonText.describe(token));
        }
        rowList(DATAFRAME_RECORDS, parser, rows, "record", "an object of columns", false);
    }

    /**
     * {@code instances} or {@code inputs}, the TF Serving layouts MLflow takes: a list of rows, each an object of
     * columns or an array of values in the model's column order, or an object of columns, each an array of values.
     */
    private void tensorInput(String key, JsonParser parser, JsonToken token, RowsRead rows) throws IOException {
        if (token == JsonToken.START_OBJECT) {
            columns(key, parser, rows);
            return;
        }
        if (token != JsonToken.START_ARRAY) {
            throw HttpProblem.badRequest("\"" + key + "\" must be an array of rows or an object of columns, got "
                    + JsonText.describe(token));
        }
        rowList(key, parser, rows, "instance", "an object of columns or an array of " + signature.featureCount()
                + " values in the order " + signature.featureNames(), true);
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
                rows.error(new FieldProblem(key, noun + " " + r + " must be " + expected + ", got "
                        + JsonText.describe(item), r));
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
                throw HttpProblem.invalidFields(List.of(new FieldProblem(column, "column '" + column + "' of \"" + key
                        + "\" must be an array with one value per row, got " + JsonText.describe(value), null)));
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
                lengths.put(column, count(parser, value, "column '" + column + "'"));
            }
        }
        if (new java.util.HashSet<>(lengths.values()).size() > 1) {
            throw HttpProblem.badRequest("the columns of \"" + key + "\" must all have the same number of values; got "
                    + lengths);
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
            rows.error(new FieldProblem(key, "instance " + r + " has " + length + " values; the model takes "
                    + features.size() + " in this order: " + signature.featureNames(), r));
        }
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
