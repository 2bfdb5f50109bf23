package org.tabserve.web.api;

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
import org.tabserve.web.http.FieldProblem;
import org.tabserve.web.http.HttpProblem;
import org.tabserve.web.http.Json;

import java.io.CharConversionException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads JSON values into a model's cells, the one way every JSON route reads them ({@link JsonRowsParser} for
 * {@code /api/predict}, {@link MlflowRequestParser} for MLflow's layouts), and checks the rows into a {@link Batch}.
 *
 * <p>Each value keeps its JSON type: a number is a {@link Number} (integers exact, as {@code Long} or
 * {@code BigInteger}; a fraction for a whole-number feature as a {@code BigDecimal}), a string a {@code String},
 * {@code true}/{@code false} a {@code Boolean}, {@code null} a missing value; {@link Batch#of} then says which of them
 * the model cannot take, so that text is never read as a number nor the reverse. A model whose features are all
 * floats or doubles that may not be missing (the bundled one, the hot path) takes a shortcut: only numbers are values
 * there, read straight to doubles and checked by {@link Batch#ofNumbers}.
 */
final class JsonCells {

    /** Marks a feature a named row has not given (null is a value: the missing one). */
    static final Object ABSENT = new Object();

    private static volatile JsonCells last;

    private final ModelSignature signature;
    private final List<Feature> features;
    private final Map<String, Integer> positions;
    /** Whether every feature is a float or double that may not be missing: values are read straight to doubles. */
    private final boolean numbersOnly;

    private JsonCells(ModelSignature signature) {
        this.signature = signature;
        this.features = signature.features();
        Map<String, Integer> positions = new HashMap<>();
        for (int i = 0; i < features.size(); i++) {
            positions.put(features.get(i).name(), i);
        }
        this.positions = Map.copyOf(positions);
        // Whole-number features are read exactly (Long, BigInteger), never through a double: not on the shortcut.
        this.numbersOnly = signature.numbersOnly() && features.stream().noneMatch(f -> f.type().isInteger());
    }

    /**
     * The reader for a model, kept for the next request on the same model: building it (a map and a few walks over
     * the inputs) costs a one-row request about a tenth of its parsing.
     */
    static JsonCells of(ModelSignature signature) {
        JsonCells cells = last;
        if (cells != null && cells.signature == signature) {
            return cells;
        }
        cells = new JsonCells(signature);
        last = cells;
        return cells;
    }

    List<Feature> features() {
        return features;
    }

    /** The position of a feature in a row, or null if the model has no such feature. */
    Integer position(String name) {
        return positions.get(name);
    }

    /** A row with every feature absent, for a reader to fill. */
    Object[] absentRow() {
        Object[] cells = new Object[features.size()];
        Arrays.fill(cells, ABSENT);
        return cells;
    }

    /** The rows read so far, the problems found in them, and which rows those problems spoil. */
    Rows rows() {
        return new Rows();
    }

    /**
     * Reads one value as its JSON type says. What is no value at all (an object, an array) is an error here; what is
     * a value of the wrong kind for the feature is left to {@link Batch#of} (for a numbers-only model, where no other
     * kind can be carried, it is an error here too).
     *
     * @param row the row the value belongs to, for the error; null for a lone row
     */
    Object read(JsonParser parser, JsonToken token, Feature feature, Integer row, Rows rows) throws IOException {
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

    /** An example object of every feature, for the message that answers an empty body. */
    String example() {
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

    /** The rows read so far, the problems found in them, and which rows those problems spoil. */
    final class Rows {
        private final List<Object[]> cells = new ArrayList<>();
        private final List<FieldProblem> errors = new ArrayList<>();
        private final BitSet spoilt = new BitSet();

        void add(Object[] row) {
            cells.add(row);
        }

        int size() {
            return cells.size();
        }

        List<Object[]> cells() {
            return cells;
        }

        /** Records a problem; it spoils its row (a lone row's problem, with no row number, spoils row 0). */
        void error(FieldProblem problem) {
            errors.add(problem);
            spoilt.set(problem.row() == null ? 0 : problem.row());
        }

        /** Names each feature a named row has not given. */
        void requireAll(Object[] row, Integer at) {
            for (int i = 0; i < row.length; i++) {
                if (row[i] == ABSENT) {
                    String name = features.get(i).name();
                    error(new FieldProblem(name, "missing value for feature '" + name + "'", at));
                }
            }
        }

        /**
         * Checks the rows the reader found no fault in against the signature, so that one answer lists every
         * problem: the reader's, then the model's (each with its row in this request).
         *
         * @param numbered whether errors name their rows (a batch) or not (a lone row)
         * @throws HttpProblem a 400 listing every problem
         */
        Batch check(boolean numbered) {
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
                    errors.add(new FieldProblem(f.field(), f.message(), numbered ? row : null));
                }
            }
            if (!errors.isEmpty()) {
                throw HttpProblem.invalidFields(errors);
            }
            return checked;
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
}
