package org.tabserve.rows.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.CharConversionException;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.CellChecker;
import org.tabserve.model.signature.Feature;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.model.signature.ValueType;
import org.tabserve.rows.field.FieldProblem;
import org.tabserve.rows.field.JsonText;
import org.tabserve.rows.field.NumberText;
import org.tabserve.rows.field.RowsException;

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
public final class JsonCells {

    /** Marks a feature a named row has not given (null is a value: the missing one). */
    static final Object ABSENT = new Object();

    private static volatile JsonCells last;

    private final ModelSignature signature;
    private final List<Feature> features;
    private final Map<String, Integer> positions;
    /** The feature names, encoded once for {@link JsonParser#nextFieldName(SerializableString)}. */
    private final SerializableString[] names;
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
        this.names = features.stream().map(f -> new SerializedString(f.name())).toArray(SerializableString[]::new);
        // Whole-number features are read exactly (Long, BigInteger), never through a double: not on the shortcut.
        this.numbersOnly = signature.numbersOnly()
                && features.stream().noneMatch(f -> f.type().isInteger());
    }

    /**
     * The reader for a model, kept for the next request on the same model: building it (a map and a few walks over
     * the inputs) costs a one-row request about a tenth of its parsing.
     */
    public static JsonCells of(ModelSignature signature) {
        JsonCells cells = last;
        if (cells != null && cells.signature == signature) {
            return cells;
        }
        cells = new JsonCells(signature);
        last = cells;
        return cells;
    }

    public List<Feature> features() {
        return features;
    }

    /**
     * Whether every feature is a float or double that may not be missing: a reader may then keep each row as plain
     * doubles ({@link #number}, {@link RowsRead#add(double[])}) instead of boxed cells.
     */
    boolean numbersOnly() {
        return numbersOnly;
    }

    /** A row of plain doubles with every feature absent (NaN, which {@link #number} never returns), for a reader. */
    double[] absentNumbers() {
        double[] values = new double[features.size()];
        Arrays.fill(values, Double.NaN);
        return values;
    }

    /** The position of a feature in a row, or null if the model has no such feature. */
    public Integer position(String name) {
        return positions.get(name);
    }

    /**
     * Moves to the next token of an object, telling whether it is the field name of the feature at {@code expected}:
     * a row that names its features in the model's order is matched on its raw bytes, with no name decoded or looked
     * up (Jackson still checks it for duplicates). On false the parser is at that next token all the same.
     */
    boolean nextIs(JsonParser parser, int expected) throws IOException {
        if (expected < names.length) {
            return parser.nextFieldName(names[expected]);
        }
        parser.nextToken();
        return false;
    }

    /** A row with every feature absent, for a reader to fill. */
    public Object[] absentRow() {
        Object[] cells = new Object[features.size()];
        Arrays.fill(cells, ABSENT);
        return cells;
    }

    /** The rows read so far, the problems found in them, and which rows those problems spoil. */
    public RowsRead rows() {
        return new RowsRead(signature, false, numbersOnly);
    }

    /** Rows kept as plain doubles, for a numbers-only model ({@link #numbersOnly()}): nothing boxed, no cell arrays. */
    RowsRead numberRows() {
        if (!numbersOnly) {
            throw new IllegalStateException("the model takes " + features + "; plain doubles cannot carry them");
        }
        return new RowsRead(signature, true, true);
    }

    /**
     * Reads one value as its JSON type says. What is no value at all (an object, an array) is an error here; what is
     * a value of the wrong kind for the feature is left to {@link Batch#of} (for a numbers-only model, where no other
     * kind can be carried, it is an error here too).
     *
     * @param row the row the value belongs to, for the error; null for a lone row
     */
    public Object read(JsonParser parser, JsonToken token, Feature feature, Integer row, RowsRead rows)
            throws IOException {
        if (numbersOnly) {
            return number(parser, token, feature, row, rows);
        }
        if (JsonText.isNaN(parser)) {
            missingNaN(feature, row, rows);
            return null;
        }
        if ((feature.type() == ValueType.FLOAT || feature.type() == ValueType.DOUBLE)
                && (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT)) {
            return finite(parser, feature.name(), row, rows);
        }
        String name = feature.name();
        if (feature.type() == ValueType.STRING
                && (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT)) {
            return numberAsText(parser, feature, row, rows);
        }
        return switch (token) {
            // Whole numbers stay exact: an int64 feature must not receive 2^62 + 1 rounded to a double.
            case VALUE_NUMBER_INT ->
                switch (parser.getNumberType()) {
                    case INT, LONG -> parser.getLongValue();
                    default -> parser.getBigIntegerValue();
                };
            // For an integer feature a fraction is read exactly, so 3.0 is 3 and 2^70 + 0.5 is neither.
            case VALUE_NUMBER_FLOAT ->
                feature.type().isInteger() ? decimal(parser, name, row, rows) : parser.getDoubleValue();
            case VALUE_STRING -> text(parser, name, row);
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> {
                rows.error(new FieldProblem(name, CellChecker.notKind(feature, JsonText.describe(token)), row));
                parser.skipChildren();
                yield null;
            }
        };
    }

    /**
     * A number sent for a text input, taken as its text when that text is exact ({@link NumberText#exactText}) and
     * told once in the answer's warnings ({@link RowsRead#tookNumberAsText}); otherwise an error saying how to send it.
     */
    private static String numberAsText(JsonParser parser, Feature feature, Integer row, RowsRead rows)
            throws IOException {
        String literal = parser.getText();
        String name = feature.name();
        return NumberText.exactText(literal)
                .map(text -> {
                    rows.tookNumberAsText(name, text);
                    return text;
                })
                .orElseGet(() -> {
                    rows.error(new FieldProblem(name, NumberText.noTextForm(name, literal), row));
                    return null;
                });
    }

    /**
     * Reads one value of a numbers-only model ({@link #numbersOnly()}) as a plain double: only a finite number (within
     * float range for a float feature) is a value there; anything else is an error here, and 0.0 stands in its place.
     * No NaN is ever returned, so a reader may mark the features a row has not given with NaN.
     *
     * @param row the row the value belongs to, for the error; null for a lone row
     */
    double number(JsonParser parser, JsonToken token, Feature feature, Integer row, RowsRead rows) throws IOException {
        String name = feature.name();
        if (JsonText.isNaN(parser)) {
            missingNaN(feature, row, rows); // never taken here: these features may not be missing
            return 0.0;
        }
        if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
            double value = finite(parser, name, row, rows);
            if (feature.type() == ValueType.FLOAT) {
                // Batch.ofNumbers says the same, but only of rows the parser found nothing else wrong with.
                String problem = ModelSignature.valueProblem(name, value);
                if (problem != null) {
                    rows.error(new FieldProblem(name, problem, row));
                    return 0.0;
                }
            }
            return value;
        }
        rows.error(new FieldProblem(
                name,
                token == JsonToken.VALUE_NULL
                        ? CellChecker.missing(feature)
                        : CellChecker.notKind(feature, JsonText.describe(token)),
                row));
        parser.skipChildren(); // a string is skipped unread, however long
        return 0.0;
    }

    /**
     * A {@code NaN} sent for a feature: a missing value, as Python's {@code json.dumps} writes pandas' missing values,
     * taken where the feature may be missing; otherwise refused as any missing value is, in the same words.
     *
     * @return whether it is taken as missing
     */
    private static boolean missingNaN(Feature feature, Integer row, RowsRead rows) {
        if (feature.missingAllowed()) {
            return true;
        }
        rows.error(new FieldProblem(feature.name(), CellChecker.missing(feature), row));
        return false;
    }

    /** A JSON number as a double; one beyond double range is an error, with 0.0 in its place (in range of any kind). */
    private static double finite(JsonParser parser, String name, Integer row, RowsRead rows) throws IOException {
        double value = parser.getDoubleValue();
        if (!Double.isFinite(value)) {
            rows.error(new FieldProblem(name, CellChecker.notFinite(name, parser.getText()), row));
            return 0.0;
        }
        return value;
    }

    /**
     * A fraction read exactly; one whose exponent is beyond what BigDecimal holds is no whole number in range, and
     * {@code Infinity} no finite number.
     */
    private static Object decimal(JsonParser parser, String name, Integer row, RowsRead rows) throws IOException {
        if (!NumberText.isDecimal(parser.getText())) {
            rows.error(new FieldProblem(name, CellChecker.notFinite(name, parser.getText()), row));
            return null;
        }
        try {
            return parser.getDecimalValue();
        } catch (NumberFormatException e) {
            rows.error(new FieldProblem(
                    name,
                    "'" + name + "' must be a whole number within the 64-bit range, got " + parser.getText(),
                    row));
            return null;
        }
    }

    /**
     * A string's text. Jackson decodes a string only when asked, so text too long for the reader or a raw control
     * character in it are found here, where the field is known: a 400 naming it, at once (the reader cannot go on past
     * such a string). Bytes that are not UTF-8 are refused as they are read, naming their offset ({@link JsonText#parser}).
     */
    private static String text(JsonParser parser, String name, Integer row) throws IOException {
        try {
            return parser.getText();
        } catch (StreamConstraintsException e) {
            throw RowsException.invalidFields(List.of(new FieldProblem(
                    name,
                    "'" + name + "' is longer than the "
                            + JsonText.FACTORY.streamReadConstraints().getMaxStringLength()
                            + " characters a JSON string may "
                            + "have here; at most " + Feature.MAX_TEXT_LENGTH + " are taken",
                    row)));
        } catch (JsonProcessingException | CharConversionException e) {
            String why = e instanceof JsonProcessingException json ? json.getOriginalMessage() : e.getMessage();
            throw RowsException.invalidFields(
                    List.of(new FieldProblem(name, "'" + name + "' is not valid JSON text: " + why, row)));
        }
    }

    /** An example object of every feature, for the message that answers an empty body. */
    public String example() {
        StringBuilder text = new StringBuilder("{");
        for (Feature feature : features) {
            text.append(text.length() > 1 ? ", " : "")
                    .append('"')
                    .append(feature.name())
                    .append("\": ")
                    .append(
                            switch (feature.type()) {
                                case FLOAT, DOUBLE -> "0.0";
                                case INT64, INT32 -> "0";
                                case STRING ->
                                    feature.categories().isEmpty()
                                            ? "\"text\""
                                            : "\"" + feature.categories().get(0) + "\"";
                                case BOOL -> "false";
                            });
        }
        return text.append('}').toString();
    }
}
