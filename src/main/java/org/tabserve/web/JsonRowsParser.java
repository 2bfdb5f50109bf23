package org.tabserve.web;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import org.tabserve.model.Batch;
import org.tabserve.model.Feature;
import org.tabserve.model.FieldError;
import org.tabserve.model.ModelException;
import org.tabserve.model.ModelSignature;
import org.tabserve.model.ValueType;

import java.io.CharConversionException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads prediction requests in JSON, streaming: one object of named features, or {@code {"instances": [...]}} whose
 * items are such objects or arrays of values in {@link ModelSignature#features()} order, and checks them into a
 * {@link Batch}.
 *
 * <p>Each value keeps its JSON type: a number is a {@link Number} (integers exact, as {@code Long} or
 * {@code BigInteger}), a string a {@code String}, {@code true}/{@code false} a {@code Boolean}, {@code null} a missing
 * value; {@link Batch#of} then says which of them the model cannot take, so that text is never read as a number nor
 * the reverse. A model whose features are all floats or doubles that may not be missing (the bundled one, the hot
 * path) takes a shortcut: only numbers are values there, read straight to doubles and checked by
 * {@link Batch#ofNumbers}.
 */
final class JsonRowsParser {

    /**
     * What a request held.
     *
     * @param cells the values as sent, one array per row in {@link ModelSignature#features()} order: {@code null},
     *              a {@code Number}, a {@code String} or a {@code Boolean} (only {@code Double}s for a numbers-only
     *              model); range warnings read the numbers as sent, not as the model's floats hold them
     * @param rows  the same rows, checked against the signature
     * @param batch whether the caller sent a batch ({@code instances}) rather than one object
     */
    record ParsedRows(List<Object[]> cells, Batch rows, boolean batch) {
    }

    private static final String INSTANCES = "instances";
    /** Marks a feature a named row has not given (null is a value: the missing one). */
    private static final Object ABSENT = new Object();

    private final ModelSignature signature;
    private final List<Feature> features;
    private final Map<String, Integer> positions;
    /** Whether every feature is a float or double that may not be missing: values are read straight to doubles. */
    private final boolean numbersOnly;
    private final int maxRows;

    JsonRowsParser(ModelSignature signature, int maxRows) {
        Layout layout = Layout.of(signature);
        this.signature = signature;
        this.features = layout.features();
        this.positions = layout.positions();
        this.numbersOnly = layout.numbersOnly();
        this.maxRows = maxRows;
    }

    /**
     * What the parser needs of a signature, kept for the next request on the same model: building it (a map and a
     * few walks over the inputs) costs a one-row request about a tenth of its parsing.
     */
    private record Layout(ModelSignature signature, List<Feature> features, Map<String, Integer> positions,
                          boolean numbersOnly) {

        private static volatile Layout last;

        static Layout of(ModelSignature signature) {
            Layout layout = last;
            if (layout != null && layout.signature == signature) {
                return layout;
            }
            List<Feature> features = signature.features();
            Map<String, Integer> positions = new HashMap<>();
            for (int i = 0; i < features.size(); i++) {
                positions.put(features.get(i).name(), i);
            }
            // Whole-number features are read exactly (Long, BigInteger), never through a double: not on the shortcut.
            boolean numbersOnly = signature.numbersOnly() && features.stream().noneMatch(f -> f.type().isInteger());
            layout = new Layout(signature, features, Map.copyOf(positions), numbersOnly);
            last = layout;
            return layout;
        }
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
                throw HttpProblem.badRequest("the body must be a JSON object, got " + Json.describe(first));
            }
            Rows rows = new Rows();
            Object[] top = absentRow();
            List<String> topNames = new ArrayList<>();
            boolean instances = false;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (INSTANCES.equals(name)) {
                    instances(parser, value, rows);
                    instances = true;
                } else {
                    topNames.add(name);
                    field(parser, value, name, top, null, rows);
                }
            }
            if (parser.nextToken() != null) {
                throw HttpProblem.badRequest("unexpected content after the JSON object");
            }
            if (!instances) {
                rows.add(top);
                missing(top, null, rows);
                return rows.check(false);
            }
            if (!topNames.isEmpty()) {
                throw HttpProblem.badRequest("send either \"instances\" or the features " + topNames
                        + " at the top level, not both");
            }
            return rows.check(true);
        } catch (JsonProcessingException | CharConversionException e) {
            throw Json.malformed(e);
        }
    }

    /** Reads the instances array: each item an object of named values or an array of values in feature order. */
    private void instances(JsonParser parser, JsonToken token, Rows rows) throws IOException {
        if (token != JsonToken.START_ARRAY) {
            throw HttpProblem.badRequest("\"instances\" must be an array of objects or arrays, got " + Json.describe(token));
        }
        JsonToken item;
        while ((item = parser.nextToken()) != JsonToken.END_ARRAY) {
            int row = rows.size();
            if (row >= maxRows) {
                throw HttpProblem.tooLarge("more than " + maxRows + " instances in one request; send fewer or use /predict_file");
            }
            Object[] cells = absentRow();
            rows.add(cells);
            if (item == JsonToken.START_OBJECT) {
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    field(parser, parser.nextToken(), name, cells, row, rows);
                }
                missing(cells, row, rows);
            } else if (item == JsonToken.START_ARRAY) {
                int length = 0;
                JsonToken value;
                while ((value = parser.nextToken()) != JsonToken.END_ARRAY) {
                    if (length < cells.length) {
                        cells[length] = cell(parser, value, features.get(length), row, rows);
                    } else {
                        parser.skipChildren();
                    }
                    length++;
                }
                countProblems(length, row, rows);
            } else {
                rows.error(new FieldProblem(INSTANCES, "instance " + row + " must be an object of features or an "
                        + "array of " + features.size() + " values, got " + Json.describe(item), row));
                parser.skipChildren();
            }
        }
    }

    /** Stores a named value in its feature's place, or names the field the model does not have. */
    private void field(JsonParser parser, JsonToken token, String name, Object[] cells, Integer row, Rows rows)
            throws IOException {
        Integer position = positions.get(name);
        if (position == null) {
            rows.error(new FieldProblem(name, "unknown feature '" + name + "'; the model's features are "
                    + signature.featureNames(), row));
            parser.skipChildren();
            return;
        }
        cells[position] = cell(parser, token, features.get(position), row, rows);
    }

    /** Names each feature a named row has not given. */
    private void missing(Object[] cells, Integer row, Rows rows) {
        for (int i = 0; i < cells.length; i++) {
            if (cells[i] == ABSENT) {
                String name = features.get(i).name();
                rows.error(new FieldProblem(name, "missing value for feature '" + name + "'", row));
            }
        }
    }

    /** An array instance must hold exactly one value per feature; names each missing feature or extra position. */
    private void countProblems(int length, int row, Rows rows) {
        if (length == features.size()) {
            return;
        }
        List<String> names = signature.featureNames();
        String counts = "instance " + row + " has " + length + " values; the model takes " + names.size()
                + " in this order: " + names;
        for (int i = length; i < names.size(); i++) {
            rows.error(new FieldProblem(names.get(i), "missing value for feature '" + names.get(i) + "': " + counts, row));
        }
        for (int i = names.size(); i < length; i++) {
            rows.error(new FieldProblem("[" + i + "]", "unexpected value at position " + (i + 1) + ": " + counts, row));
        }
    }

    /**
     * Reads one value as its JSON type says. What is no value at all (an object, an array) is an error here; what is
     * a value of the wrong kind for the feature is left to {@link Batch#of} (for a numbers-only model, where no other
     * kind can be carried, it is an error here too).
     */
    private Object cell(JsonParser parser, JsonToken token, Feature feature, Integer row, Rows rows)
            throws IOException {
        String name = feature.name();
        if (numbersOnly || feature.type() == ValueType.FLOAT || feature.type() == ValueType.DOUBLE) {
            if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
                double value = parser.getDoubleValue();
                if (!Double.isFinite(value)) {
                    rows.error(new FieldProblem(name, "'" + name + "' is out of range: " + parser.getText(), row));
                    return 0.0;
                }
                if (numbersOnly && feature.type() == ValueType.FLOAT) {
                    // Batch.ofNumbers says the same, but only of rows the parser found nothing else wrong with.
                    String problem = ModelSignature.valueProblem(name, value);
                    if (problem != null) {
                        rows.error(new FieldProblem(name, problem, row));
                        return 0.0;
                    }
                }
                return value;
            }
            if (numbersOnly) {
                rows.error(new FieldProblem(name, "'" + name + "' must be a number, got " + Json.describe(token), row));
                parser.skipChildren(); // a string is skipped unread, however long
                return 0.0;
            }
        }
        return switch (token) {
            // Whole numbers stay exact: an int64 feature must not receive 2^62 + 1 rounded to a double.
            case VALUE_NUMBER_INT -> switch (parser.getNumberType()) {
                case INT, LONG -> parser.getLongValue();
                default -> parser.getBigIntegerValue();
            };
            // For an integer feature a fraction is read exactly, so 3.0 is 3 and 2^70 + 0.5 is neither.
            case VALUE_NUMBER_FLOAT -> feature.type().isInteger() ? decimal(parser, name, row, rows)
                    : parser.getDoubleValue();
            case VALUE_STRING -> text(parser, name, row);
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> {
                rows.error(new FieldProblem(name, "'" + name + "' must be " + kind(feature) + ", got "
                        + Json.describe(token), row));
                parser.skipChildren();
                yield null;
            }
        };
    }

    /** A fraction read exactly; one whose exponent is beyond what BigDecimal holds is no whole number in range. */
    private static Object decimal(JsonParser parser, String name, Integer row, Rows rows) throws IOException {
        try {
            return parser.getDecimalValue();
        } catch (NumberFormatException e) {
            rows.error(new FieldProblem(name, "'" + name + "' must be a whole number within the 64-bit range, got "
                    + parser.getText(), row));
            return null;
        }
    }

    /**
     * A string's text. Jackson decodes a string only when asked, so text too long for the reader, invalid UTF-8 or a
     * raw control character in it are found here, where the field is known: a 400 naming it, at once (the reader
     * cannot go on past such a string).
     */
    private static String text(JsonParser parser, String name, Integer row) throws IOException {
        try {
            return parser.getText();
        } catch (StreamConstraintsException e) {
            throw HttpProblem.invalidFields(List.of(new FieldProblem(name, "'" + name + "' is longer than the "
                    + Json.FACTORY.streamReadConstraints().getMaxStringLength() + " characters a JSON string may "
                    + "have here; at most " + Batch.MAX_TEXT_LENGTH + " are taken", row)));
        } catch (JsonProcessingException | CharConversionException e) {
            String why = e instanceof JsonProcessingException json ? json.getOriginalMessage() : e.getMessage();
            throw HttpProblem.invalidFields(List.of(new FieldProblem(name, "'" + name + "' is not valid JSON text: "
                    + why, row)));
        }
    }

    private static String kind(Feature feature) {
        return switch (feature.type()) {
            case FLOAT, DOUBLE, INT64, INT32 -> "a number";
            case STRING -> "a string";
            case BOOL -> "true or false";
        };
    }

    private Object[] absentRow() {
        Object[] cells = new Object[features.size()];
        Arrays.fill(cells, ABSENT);
        return cells;
    }

    /** The rows read so far, the problems found in them, and which rows those problems spoil. */
    private final class Rows {
        private final List<Object[]> cells = new ArrayList<>();
        private final List<FieldProblem> errors = new ArrayList<>();
        private final BitSet spoilt = new BitSet();

        void add(Object[] row) {
            cells.add(row);
        }

        int size() {
            return cells.size();
        }

        void error(FieldProblem problem) {
            errors.add(problem);
            spoilt.set(problem.row() == null ? 0 : problem.row());
        }

        /**
         * Checks the rows the parser found no fault in against the signature, so that one answer lists every
         * problem: the parser's, then the model's (each with its row in this request).
         */
        ParsedRows check(boolean batch) {
            List<Object[]> whole = cells;
            int[] at = null;
            if (!spoilt.isEmpty()) {
                whole = new ArrayList<>();
                at = new int[cells.size()];
                for (int r = 0; r < cells.size(); r++) {
                    if (!spoilt.get(r)) {
                        at[whole.size()] = r;
                        whole.add(cells.get(r));
                    }
                }
            }
            Batch checked = null;
            try {
                checked = batchOf(whole);
            } catch (ModelException e) {
                if (e.kind() != ModelException.Kind.INVALID_INPUT) {
                    throw e;
                }
                for (FieldError f : e.fieldErrors()) {
                    int row = at == null ? f.row() : at[f.row()];
                    errors.add(new FieldProblem(f.field(), f.message(), batch ? row : null));
                }
            }
            if (!errors.isEmpty()) {
                throw HttpProblem.invalidFields(errors);
            }
            return new ParsedRows(cells, checked, batch);
        }
    }

    private Batch batchOf(List<Object[]> rows) {
        if (!numbersOnly) {
            return Batch.of(signature, rows);
        }
        double[][] numbers = new double[rows.size()][];
        for (int r = 0; r < numbers.length; r++) {
            Object[] cells = rows.get(r);
            double[] row = new double[cells.length];
            for (int i = 0; i < row.length; i++) {
                row[i] = (Double) cells[i];
            }
            numbers[r] = row;
        }
        return Batch.ofNumbers(signature, numbers);
    }


    private String example() {
        StringBuilder text = new StringBuilder("{");
        for (Feature feature : features) {
            text.append(text.length() > 1 ? ", " : "").append('"').append(feature.name()).append("\": ")
                    .append(switch (feature.type()) {
                        case FLOAT, DOUBLE -> "0.0";
                        case INT64, INT32 -> "0";
                        case STRING -> feature.categories().isEmpty() ? "\"text\""
                                : "\"" + feature.categories().get(0) + "\"";
                        case BOOL -> "false";
                    });
        }
        return text.append('}').toString();
    }
}
