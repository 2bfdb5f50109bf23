package org.tabserve.rows.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.tabserve.rows.field.FieldProblem;
import org.tabserve.rows.field.JsonText;
import org.tabserve.rows.field.RowsException;

/**
 * Reads pandas' split orientation ({@code DataFrame.to_json(orient="split")}: {@code {"columns": [...], "data":
 * [[...], ...]}} and, unless {@code index=False}, {@code "index": [...]}) into a request's rows, the one reader of it
 * for every route that takes it: MLflow's {@code dataframe_split} and the JSON routes' body itself. Columns are
 * matched to the model's features by name (those it does not take ignored, a feature's column missing named); a
 * column named twice, a row of another length than {@code columns} and an index of another length than
 * {@code data} are refused naming the field, and {@code data} sent before {@code columns} is kept as JSON (within
 * the body's limit) and read once they are known.
 */
public final class PandasSplit {

    public static final String COLUMNS = "columns";
    public static final String DATA = "data";
    public static final String INDEX = "index";

    private final JsonRowStore<?> store;
    private final int maxRows;
    /** How messages name the frame's keys: {@code "dataframe_split".columns}, or {@code "columns"} at the top level. */
    private final String frame;

    private List<String> columns;
    private byte[] early;
    private boolean data;
    private int indexLength = -1;

    private PandasSplit(JsonRowStore<?> store, int maxRows, String frame) {
        this.store = store;
        this.maxRows = maxRows;
        this.frame = frame;
    }

    /**
     * A frame read into rows of boxed cells, as MLflow's routes keep them.
     *
     * @param frame the key the frame is sent under ({@code dataframe_split}), named in messages
     */
    public static PandasSplit of(JsonCells reader, RowsRead rows, int maxRows, String frame) {
        return new PandasSplit(new JsonRowStore.Cells(reader, rows), maxRows, frame);
    }

    /** A frame that is the body itself, read into {@code store}'s rows. */
    static PandasSplit topLevel(JsonRowStore<?> store, int maxRows) {
        return new PandasSplit(store, maxRows, null);
    }

    /** @return whether {@code key} is one of the frame's keys */
    public static boolean isKey(String key) {
        return COLUMNS.equals(key) || DATA.equals(key) || INDEX.equals(key);
    }

    /**
     * Reads the value of one of the frame's keys.
     *
     * @return false, reading nothing, when {@code key} is not one of them
     */
    public boolean field(String key, JsonParser parser, JsonToken value) throws IOException {
        switch (key) {
            case COLUMNS -> columns = columnNames(parser, value);
            case DATA -> {
                data = true;
                if (columns == null) {
                    early = copy(parser);
                } else {
                    read(parser, value, store);
                }
            }
            case INDEX -> indexLength = count(parser, value, named(INDEX));
            default -> {
                return false;
            }
        }
        return true;
    }

    /** Once every key is read: both {@code columns} and {@code data} were sent, and the index fits the rows. */
    public void finish() throws IOException {
        if (columns == null || !data) {
            String field = columns == null ? COLUMNS : DATA;
            throw refused(
                    field,
                    (frame == null ? "pandas' split orientation" : frame)
                            + " needs \"columns\" (the column names, e.g. "
                            + JsonText.quotedNames(
                                    store.features.stream().map(f -> f.name()).toList())
                            + ") and \"data\" (one array of values per row)");
        }
        if (early != null) {
            try (JsonParser replay = JsonText.FACTORY.createParser(early)) {
                read(replay, replay.nextToken(), store);
            }
            early = null;
        }
        int rows = store.rows.size();
        if (indexLength >= 0 && indexLength != rows) {
            throw refused(
                    INDEX,
                    (frame == null ? "the body" : frame) + " has " + indexLength + " index values for " + rows
                            + " rows of data; send one per row, or no index");
        }
    }

    /** How a message names one of the frame's keys. */
    private String named(String key) {
        return frame == null ? "\"" + key + "\"" : frame + "." + key;
    }

    private static RowsException refused(String field, String message) {
        return RowsException.invalidFields(List.of(new FieldProblem(field, message, null)));
    }

    /** The JSON value at the parser, copied whole (within the body's size limit) to be read again. */
    private static byte[] copy(JsonParser parser) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator copy = JsonText.FACTORY.createGenerator(bytes)) {
            copy.copyCurrentStructure(parser);
        }
        return bytes.toByteArray();
    }

    private List<String> columnNames(JsonParser parser, JsonToken token) throws IOException {
        if (token != JsonToken.START_ARRAY) {
            throw refused(
                    COLUMNS, named(COLUMNS) + " must be an array of column names, got " + JsonText.describe(token));
        }
        List<String> names = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        JsonToken item;
        while ((item = parser.nextToken()) != JsonToken.END_ARRAY) {
            if (item != JsonToken.VALUE_STRING) {
                throw refused(
                        COLUMNS,
                        named(COLUMNS) + " must hold column names as strings; item " + names.size() + " is "
                                + JsonText.describe(item));
            }
            String name = parser.getText();
            if (!seen.add(name)) {
                throw refused(
                        COLUMNS,
                        "column '" + name + "' appears twice in " + named(COLUMNS) + "; name each column once");
            }
            names.add(name);
        }
        return names;
    }

    /** The rows of the frame, each an array with one value per column; columns the model does not take are skipped. */
    private <R> void read(JsonParser parser, JsonToken token, JsonRowStore<R> into) throws IOException {
        if (token != JsonToken.START_ARRAY) {
            throw refused(DATA, named(DATA) + " must be an array of rows, got " + JsonText.describe(token));
        }
        RowsRead rows = into.rows;
        rows.requireColumns(columns, named(COLUMNS));
        Integer[] positions = new Integer[columns.size()];
        for (int i = 0; i < positions.length; i++) {
            positions[i] = into.reader.position(columns.get(i));
            if (positions[i] == null) {
                rows.ignore(columns.get(i));
            }
        }
        JsonToken item;
        while ((item = parser.nextToken()) != JsonToken.END_ARRAY) {
            int r = rows.size();
            checkRowCount(r);
            R cells = into.absent();
            into.add(cells);
            if (item != JsonToken.START_ARRAY) {
                parser.skipChildren();
                rows.error(new FieldProblem(
                        DATA,
                        "row " + r + " of " + named(DATA) + " must be an array of values, got "
                                + JsonText.describe(item),
                        r));
                continue;
            }
            int length = 0;
            JsonToken value;
            while ((value = parser.nextToken()) != JsonToken.END_ARRAY) {
                Integer at = length < positions.length ? positions[length] : null;
                if (at != null) {
                    into.read(parser, value, cells, at, r);
                } else {
                    parser.skipChildren();
                }
                length++;
            }
            if (length != columns.size()) {
                rows.error(new FieldProblem(
                        DATA,
                        "row " + r + " of " + named(DATA) + " has " + length + " values; \"columns\" names "
                                + columns.size() + ": " + JsonText.quotedNames(columns),
                        r));
            }
        }
    }

    /** Counts the items of an array without keeping them. */
    private int count(JsonParser parser, JsonToken token, String what) throws IOException {
        if (token != JsonToken.START_ARRAY) {
            throw refused(INDEX, what + " must be an array, got " + JsonText.describe(token));
        }
        return JsonText.countItems(parser, this::checkRowCount);
    }

    private void checkRowCount(int rowsSoFar) {
        if (rowsSoFar >= maxRows) {
            throw RowsException.tooManyRows(
                    "more than " + maxRows + " rows in one request; send fewer or use /predict_file");
        }
    }
}
