package org.tabserve.rows.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.CharConversionException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tabserve.model.answer.SentOrder;
import org.tabserve.model.card.ModelCard;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.Feature;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.model.signature.RangeWarning;
import org.tabserve.rows.answerjson.CoverageField;
import org.tabserve.rows.answerjson.ExplainField;
import org.tabserve.rows.answerjson.PredictionJson;
import org.tabserve.rows.field.FieldProblem;
import org.tabserve.rows.field.JsonText;
import org.tabserve.rows.field.OnError;
import org.tabserve.rows.field.RowWarnings;
import org.tabserve.rows.field.RowsException;

/**
 * Reads prediction requests in JSON, streaming: one object of named features, or {@code {"instances": [...]}} whose
 * items are such objects or arrays of values in {@link ModelSignature#features()} order, or that array itself
 * (pandas' {@code to_json(orient="records")}), or pandas' split orientation ({@link PandasSplit}, as MLflow's
 * {@code dataframe_split} is read), and checks them into a {@link Batch}; a body of none of these shapes, or of two,
 * is refused showing them ({@link JsonBodyShapes}); each value is read as {@link JsonCells} reads JSON values for every JSON route. For a numbers-only
 * model (the bundled one, the hot path) each row is read straight into a {@code double[]}: nothing boxed, no cell
 * array per row.
 */
public final class JsonRowsParser {

    /**
     * What a request held.
     *
     * @param cells    the values as sent, one array per row of the request in {@link ModelSignature#features()}
     *                 order: {@code null}, a {@code Number}, a {@code String} or a {@code Boolean}; null when the rows
     *                 were read as plain doubles (see {@code numbers})
     * @param numbers  for a numbers-only model, the numbers as sent, one array per row of the request in feature
     *                 order; otherwise null
     * @param rows     the rows that can be scored, checked against the signature; null when none can (row mode)
     * @param batch    whether the caller sent a batch ({@code instances}) rather than one object
     * @param sentRows in row mode ({@link OnError#ROW}), the request's row of each of {@code rows}; null when
     *                 {@code rows} holds every row of the request, in order
     * @param problems in row mode, every bad row's problems, each with its row of the request; otherwise empty
     * @param ignored  the fields sent that the model does not take, ignored, in the order first met
     * @param numbersAsText each text input that was sent a number, taken as its text, with the first such text
     * @param explain  whether the body asked for explanations ({@code "explain": true} at its top level)
     * @param coverage the coverage the body asked for ({@code "coverage": 0.9} at its top level), or null
     */
    public record ParsedRows(
            List<Object[]> cells,
            double[][] numbers,
            Batch rows,
            boolean batch,
            int[] sentRows,
            List<FieldProblem> problems,
            List<String> ignored,
            Map<String, String> numbersAsText,
            boolean explain,
            Double coverage) {

        /** @return these rows, asking for explanations or not */
        public ParsedRows explaining(boolean asked) {
            return new ParsedRows(
                    cells, numbers, rows, batch, sentRows, problems, ignored, numbersAsText, asked, coverage);
        }

        /** @return these rows, asking for {@code asked} coverage (null: none) */
        public ParsedRows covering(Double asked) {
            return new ParsedRows(
                    cells, numbers, rows, batch, sentRows, problems, ignored, numbersAsText, explain, asked);
        }

        /** @return how many rows the request held, the bad ones in row mode included */
        public int sent() {
            return cells != null ? cells.size() : numbers.length;
        }

        /** @return where each row sent went: its place among {@link #rows()}, or refused (row mode) */
        public SentOrder order() {
            return sentRows == null ? SentOrder.allScored(sent()) : SentOrder.ofScored(sent(), sentRows);
        }

        /** @return the request's row of row {@code row} of {@link #rows()} */
        public int sentRow(int row) {
            return sentRows == null ? row : sentRows[row];
        }

        /**
         * The range and unknown-category warnings of a row of {@link #rows()}, from the numbers as sent (not as the
         * model's floats hold them, which would warn about values at the very ends of the training range).
         */
        public List<RangeWarning> warnings(ModelCard card, int row) {
            return numbers != null
                    ? RowWarnings.warnings(card, rows, row, numbers[sentRow(row)])
                    : RowWarnings.warnings(card, rows, row, cells.get(sentRow(row)));
        }

        /** {@link #warnings(ModelCard, int)} with the card's ranges looked up once per answer. */
        public List<RangeWarning> warnings(PredictionJson.Rows encoded, int row) {
            return numbers != null
                    ? encoded.warnings(rows, row, numbers[sentRow(row)])
                    : encoded.warnings(rows, row, cells.get(sentRow(row)));
        }

        /** @return whether {@link #requestWarnings()} has any, without building them (a lone row's hot path asks) */
        public boolean anyRequestWarnings() {
            return !ignored.isEmpty() || !numbersAsText.isEmpty();
        }

        /** The warnings that concern the whole request, told once: each ignored field, each number taken as text. */
        public List<RangeWarning> requestWarnings() {
            List<RangeWarning> warnings = RowWarnings.ignored(ignored);
            RowWarnings.numbersAsText(numbersAsText, warnings);
            return warnings;
        }
    }

    private static final String INSTANCES = "instances";
    /** How a refusal names the rows of a body that is an array of them (pandas' records orientation). */
    private static final String TOP_LEVEL = "rows";

    private final ModelSignature signature;
    private final JsonCells reader;
    private final JsonBodyShapes shapes;
    private final List<Feature> features;
    private final int maxRows;
    /** Whether rows are read as plain doubles (a numbers-only model) rather than boxed cells. */
    private final boolean plain;

    public JsonRowsParser(ModelSignature signature, int maxRows) {
        this(signature, maxRows, true);
    }

    /**
     * @param plainNumbers whether a numbers-only model's rows may be read as plain doubles; false reads them as boxed
     *                     cells like any other model's, so that tests can hold both readings to the same answers
     */
    public JsonRowsParser(ModelSignature signature, int maxRows, boolean plainNumbers) {
        this.signature = signature;
        this.reader = JsonCells.of(signature);
        this.features = reader.features();
        this.shapes = new JsonBodyShapes(signature, reader);
        this.maxRows = maxRows;
        this.plain = plainNumbers && reader.numbersOnly();
    }

    /**
     * @throws RowsException 400 for malformed JSON or bad fields (all of them listed), 413 for too many rows
     */
    public ParsedRows parse(InputStream body) throws IOException {
        return parse(body, OnError.REJECT);
    }

    /**
     * @param onError what a batch does with its bad rows; a lone row is refused whatever this says
     * @throws RowsException 400 for malformed JSON or bad fields (all of them listed; in row mode, only those of a
     *                       lone row), 413 for too many rows
     */
    public ParsedRows parse(InputStream body, OnError onError) throws IOException {
        return parse(body, onError, OnError.UNBOUNDED);
    }

    /**
     * As {@link #parse(InputStream, OnError)}, answering at most {@code maxErrorRows} rows of a batch with their
     * errors in row mode.
     *
     * @throws RowsException also 413 ({@link RowsException.Kind#TOO_MANY_ERROR_ROWS}) past that bound
     */
    public ParsedRows parse(InputStream body, OnError onError, long maxErrorRows) throws IOException {
        return plain
                ? parse(body, new JsonRowStore.Numbers(reader, reader.numberRows()), onError, maxErrorRows)
                : parse(body, new JsonRowStore.Cells(reader, reader.rows()), onError, maxErrorRows);
    }

    private <R> ParsedRows parse(InputStream body, JsonRowStore<R> store, OnError onError, long maxErrorRows)
            throws IOException {
        try (JsonParser parser = JsonText.parser(body)) {
            NamesSeen.off(parser); // the rows' objects are checked for repeated names here, the rest by Jackson
            NamesSeen topSeen = new NamesSeen();
            NamesSeen rowSeen = new NamesSeen();
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw RowsException.malformed("the body is empty; " + shapes.said());
            }
            RowsRead rows = store.rows;
            if (first == JsonToken.START_ARRAY) { // pandas' records orientation: the rows themselves
                instances(parser, first, store, TOP_LEVEL, rowSeen);
                if (parser.nextToken() != null) {
                    throw RowsException.malformed("unexpected content after the JSON array");
                }
                if (rows.size() == 0) {
                    throw RowsException.malformed("the body is an empty array: no rows to predict; " + shapes.said());
                }
                return rows.parsed(rows.checkBatch(TOP_LEVEL, onError, maxErrorRows), true, onError);
            }
            if (first != JsonToken.START_OBJECT) {
                throw RowsException.malformed(
                        "the body must be a JSON object, got " + JsonText.describe(first) + "; " + shapes.said());
            }
            R top = store.absent();
            List<String> topNames = new ArrayList<>();
            PandasSplit split = null;
            boolean instances = false;
            boolean explain = false;
            Double coverage = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                Integer position = reader.position(name);
                topSeen.name(parser, name, position);
                JsonToken value = parser.nextToken();
                if (!INSTANCES.equals(name)) {
                    NamesSeen.nested(parser, value); // "instances" holds rows, whose objects are checked here
                }
                boolean feature = position != null;
                if (INSTANCES.equals(name)) {
                    shapes.mixed(split != null, name);
                    instances(parser, value, store, INSTANCES, rowSeen);
                    instances = true;
                } else if (ExplainField.NAME.equals(name) && !feature) {
                    explain = ExplainField.read(value, ExplainField.NAME);
                } else if (CoverageField.NAME.equals(name) && !feature) {
                    coverage = CoverageField.read(
                            value, value.isNumeric() ? parser.getDoubleValue() : Double.NaN, CoverageField.NAME);
                } else if (!feature && PandasSplit.isKey(name) && (split != null || value == JsonToken.START_ARRAY)) {
                    // pandas' split orientation: its keys hold arrays, which no row's value is; a row may carry
                    // an "index" or "data" field of its own, ignored as before
                    shapes.mixed(instances || !topNames.isEmpty(), name);
                    if (split == null) {
                        split = PandasSplit.topLevel(store, maxRows);
                    }
                    split.field(name, parser, value);
                } else {
                    shapes.mixed(split != null, name);
                    topNames.add(name);
                    field(parser, value, name, position, top, null, store);
                }
            }
            if (parser.nextToken() != null) {
                throw RowsException.malformed("unexpected content after the JSON object");
            }
            if (split != null) {
                split.finish();
                return rows.parsed(rows.checkBatch(PandasSplit.DATA, onError, maxErrorRows), true, onError)
                        .explaining(explain)
                        .covering(coverage);
            }
            if (!instances) {
                store.add(top);
                store.requireAll(top, null);
                return rows.parsed(rows.check(false), false, onError)
                        .explaining(explain)
                        .covering(coverage);
            }
            if (!topNames.isEmpty()) {
                throw RowsException.malformed(
                        "send either \"instances\" or the features " + topNames + " at the top level, not both");
            }
            return rows.parsed(rows.checkBatch(INSTANCES, onError, maxErrorRows), true, onError)
                    .explaining(explain)
                    .covering(coverage);
        } catch (JsonProcessingException | CharConversionException e) {
            throw JsonText.malformed(e);
        }
    }

    /**
     * Reads an array of rows, {@code "instances"} or the body itself ({@link #TOP_LEVEL}): each item an object of
     * named values or an array of values in feature order.
     */
    private <R> void instances(JsonParser parser, JsonToken token, JsonRowStore<R> store, String field, NamesSeen seen)
            throws IOException {
        if (token != JsonToken.START_ARRAY) {
            throw RowsException.malformed(
                    "\"instances\" must be an array of objects or arrays, got " + JsonText.describe(token));
        }
        RowsRead rows = store.rows;
        JsonToken item;
        while ((item = parser.nextToken()) != JsonToken.END_ARRAY) {
            int row = rows.size();
            if (row >= maxRows) {
                throw RowsException.tooManyRows(
                        "more than " + maxRows + " " + (field.equals(INSTANCES) ? "instances" : "rows")
                                + " in one request; send fewer or use /predict_file");
            }
            R cells = store.absent();
            store.add(cells);
            if (item == JsonToken.START_OBJECT) {
                seen.clear();
                int expected = 0;
                while (true) {
                    if (reader.nextIs(parser, expected)) {
                        seen.feature(parser, expected);
                        store.read(parser, NamesSeen.nested(parser, parser.nextToken()), cells, expected++, row);
                    } else if (parser.currentToken() == JsonToken.FIELD_NAME) {
                        String name = parser.currentName();
                        Integer position = reader.position(name);
                        seen.name(parser, name, position);
                        field(parser, NamesSeen.nested(parser, parser.nextToken()), name, position, cells, row, store);
                        expected = position == null ? expected : position + 1;
                    } else {
                        break;
                    }
                }
                store.requireAll(cells, row);
            } else if (item == JsonToken.START_ARRAY) {
                int length = 0;
                JsonToken value;
                while ((value = parser.nextToken()) != JsonToken.END_ARRAY) {
                    NamesSeen.nested(parser, value);
                    if (length < features.size()) {
                        store.read(parser, value, cells, length, row);
                    } else {
                        parser.skipChildren();
                    }
                    length++;
                }
                countProblems(length, row, rows);
            } else {
                rows.error(new FieldProblem(
                        field,
                        (field.equals(INSTANCES) ? "instance " : "row ") + row
                                + " must be an object of features or an array of " + features.size()
                                + " values, got " + JsonText.describe(item)
                                + (field.equals(INSTANCES) ? "" : " (one row of values is sent as [[...]])"),
                        row));
                parser.skipChildren();
            }
        }
    }

    /**
     * Stores a named value in its feature's place, or skips a field the model does not take (noted, to be told once
     * in the answer's warnings).
     *
     * @param position the feature's position ({@code reader.position(name)}), or null for a field the model does not
     *                 take
     */
    private <R> void field(
            JsonParser parser,
            JsonToken token,
            String name,
            Integer position,
            R cells,
            Integer row,
            JsonRowStore<R> store)
            throws IOException {
        if (position == null) {
            store.rows.ignore(name);
            parser.skipChildren();
            return;
        }
        store.read(parser, token, cells, position, row);
    }
    /** An array instance must hold exactly one value per feature; names each missing feature or extra position. */
    private void countProblems(int length, int row, RowsRead rows) {
        if (length == features.size()) {
            return;
        }
        List<String> names = signature.featureNames();
        String counts = "instance " + row + " has " + length + " values; the model takes " + names.size()
                + " in this order: " + names;
        for (int i = length; i < names.size(); i++) {
            rows.error(
                    new FieldProblem(names.get(i), "missing value for feature '" + names.get(i) + "': " + counts, row));
        }
        for (int i = names.size(); i < length; i++) {
            rows.error(new FieldProblem("[" + i + "]", "unexpected value at position " + (i + 1) + ": " + counts, row));
        }
    }
}
