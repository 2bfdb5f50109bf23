package org.tabserve.rows.arrow;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Map;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float2Vector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.LargeVarCharVector;
import org.apache.arrow.vector.UInt8Vector;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.ViewVarCharVector;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.Field;
import org.tabserve.model.signature.CellChecker;
import org.tabserve.model.signature.Feature;
import org.tabserve.rows.field.NumberText;
import org.tabserve.rows.field.RowsException;
import org.tabserve.rows.read.RowPass;
import org.tabserve.rows.read.TextCells;

/**
 * Reads the cells of an Arrow column as the values a {@link org.tabserve.model.signature.Batch} takes for a feature, with no
 * text in between: floating point and integer columns as numbers (NaN, pandas' missing number, as missing), boolean
 * columns as booleans, utf8 and dictionary-encoded columns as text (read by the feature's type, as a CSV cell is),
 * nulls as missing. A number sent for a text input is taken as its text, as JSON's is ({@link NumberText#exactText}),
 * and noted to be told once; any other pairing is a problem of the cell, in words.
 */
public final class ArrowCells {

    /** Reads one cell of a column at a row. */
    interface Column {
        /** @return the cell: a value, null for missing, or a {@link RowPass.Unreadable} */
        Object read(int row);
    }

    private ArrowCells() {}

    /** @return why a column cannot hold a feature's values at all, or null when its cells are read one by one */
    static String unsupported(Field field) {
        DictionaryEncoding dictionary = field.getDictionary();
        if (dictionary != null) {
            return null; // the dictionary's own type is checked when its values are read
        }
        return switch (field.getType().getTypeID()) {
            case Int, FloatingPoint, Bool, Utf8, LargeUtf8, Utf8View, Decimal, Null -> null;
            default ->
                "the column '" + field.getName() + "' is of Arrow type " + field.getType()
                        + "; a model input takes numbers (int, float, double, decimal), booleans or text (utf8,"
                        + " dictionary)";
        };
    }

    /**
     * The reader of a feature's cells from its column in the batch just loaded.
     *
     * @param numbersAsText takes each text input sent a number, with the first such number's text
     */
    static Column column(
            Feature feature, FieldVector vector, DictionaryProvider dictionaries, Map<String, String> numbersAsText) {
        ValueVector values = decoded(vector, dictionaries);
        BaseIntVector indices = values == vector ? null : (BaseIntVector) vector;
        Column plain = plain(feature, values, numbersAsText);
        if (indices == null) {
            return plain;
        }
        return row -> indices.isNull(row) ? null : plain.read((int) indices.getValueAsLong(row));
    }

    /** @return the column's dictionary (its values) when it is dictionary-encoded, else the column itself */
    static ValueVector decoded(FieldVector vector, DictionaryProvider dictionaries) {
        DictionaryEncoding encoding = vector.getField().getDictionary();
        if (encoding == null) {
            return vector;
        }
        var dictionary = dictionaries.lookup(encoding.getId());
        if (dictionary == null) {
            throw RowsException.malformed("the Arrow stream's column '" + vector.getName() + "' names dictionary "
                    + encoding.getId() + ", which the stream does not send before it");
        }
        return dictionary.getVector();
    }

    private static Column plain(Feature feature, ValueVector values, Map<String, String> numbersAsText) {
        String name = feature.name();
        if (values instanceof VarCharVector
                || values instanceof LargeVarCharVector
                || values instanceof ViewVarCharVector) {
            return row -> {
                if (values.isNull(row)) {
                    return null;
                }
                String text = values.getObject(row).toString();
                Object cell = TextCells.read(feature, text, false);
                return cell == TextCells.UNREADABLE
                        ? new RowPass.Unreadable(TextCells.problem(feature, text, false))
                        : cell;
            };
        }
        if (values instanceof BitVector bits) {
            return row -> bits.isNull(row)
                    ? null
                    : switch (feature.type()) {
                        case BOOL -> bits.get(row) != 0;
                        case STRING -> bits.get(row) != 0 ? "true" : "false";
                        default -> new RowPass.Unreadable(CellChecker.notKind(feature, "a boolean"));
                    };
        }
        if (values instanceof Float8Vector || values instanceof Float4Vector || values instanceof Float2Vector) {
            boolean single = !(values instanceof Float8Vector);
            return row -> {
                if (values.isNull(row)) {
                    return null;
                }
                double value = values instanceof Float8Vector doubles
                        ? doubles.get(row)
                        : values instanceof Float4Vector floats
                                ? floats.get(row)
                                : ((Float2Vector) values).getValueAsDouble(row);
                return fromDouble(feature, value, single, numbersAsText);
            };
        }
        if (values instanceof UInt8Vector unsigned) {
            return row -> unsigned.isNull(row)
                    ? null
                    : fromDecimal(feature, new BigDecimal(unsigned.getObjectNoOverflow(row)), numbersAsText);
        }
        if (values instanceof BaseIntVector ints) {
            return row -> ints.isNull(row) ? null : fromLong(feature, ints.getValueAsLong(row), numbersAsText);
        }
        if (values instanceof DecimalVector decimals) {
            return row -> decimals.isNull(row) ? null : fromDecimal(feature, decimals.getObject(row), numbersAsText);
        }
        if (values.getMinorType() == org.apache.arrow.vector.types.Types.MinorType.NULL) {
            return row -> null;
        }
        throw RowsException.malformed("the Arrow column '" + name + "' holds "
                + values.getField().getType() + " values; a model input takes" + " numbers, booleans or text");
    }

    public static Object fromDouble(Feature feature, double value, boolean single, Map<String, String> asText) {
        if (Double.isNaN(value)) {
            return null; // pandas' missing number
        }
        if (Double.isInfinite(value)) {
            return new RowPass.Unreadable(CellChecker.notFinite(feature.name(), Double.toString(value)));
        }
        return switch (feature.type()) {
            case FLOAT, DOUBLE -> value;
            case INT64, INT32 ->
                value == Math.rint(value) && Math.abs(value) < 0x1p62 ? (Object) (long) value : new BigDecimal(value);
            case BOOL -> notBoolean(feature);
            case STRING -> asText(feature, single ? Float.toString((float) value) : Double.toString(value), asText);
        };
    }

    public static Object fromLong(Feature feature, long value, Map<String, String> asText) {
        return switch (feature.type()) {
            case FLOAT, DOUBLE -> (double) value;
            case INT64, INT32 -> value;
            case BOOL -> notBoolean(feature);
            case STRING -> asText(feature, Long.toString(value), asText);
        };
    }

    public static Object fromDecimal(Feature feature, BigDecimal value, Map<String, String> asText) {
        return switch (feature.type()) {
            case FLOAT, DOUBLE -> value.doubleValue();
            case INT64, INT32 -> {
                try {
                    yield value.longValueExact();
                } catch (ArithmeticException e) {
                    BigInteger whole = value.stripTrailingZeros().scale() <= 0 ? value.toBigInteger() : null;
                    yield whole != null ? whole : value; // the batch refuses a fraction or an overflow in words
                }
            }
            case BOOL -> notBoolean(feature);
            case STRING -> asText(feature, value.toPlainString(), asText);
        };
    }

    private static RowPass.Unreadable notBoolean(Feature feature) {
        return new RowPass.Unreadable(CellChecker.notKind(feature, "a number"));
    }

    /** A number for a text input: its text when it has one spelling, noted to be told once; else a problem. */
    private static Object asText(Feature feature, String text, Map<String, String> asText) {
        var exact = NumberText.exactText(text);
        if (exact.isEmpty()) {
            return new RowPass.Unreadable(NumberText.noTextForm(feature.name(), text));
        }
        asText.putIfAbsent(feature.name(), exact.get());
        return exact.get();
    }

    /** @return the cell as text, for an answer that echoes the input's columns ("" for a missing value) */
    static String text(FieldVector vector, ValueVector values, int row) {
        if (vector.isNull(row)) {
            return "";
        }
        if (values != vector) {
            int at = (int) ((BaseIntVector) vector).getValueAsLong(row);
            return values.isNull(at) ? "" : String.valueOf(values.getObject(at));
        }
        if (vector instanceof Float4Vector floats) {
            float value = floats.get(row);
            return Float.isNaN(value) ? "" : Float.toString(value);
        }
        if (vector instanceof Float8Vector doubles) {
            double value = doubles.get(row);
            return Double.isNaN(value) ? "" : Double.toString(value);
        }
        Object value = vector.getObject(row);
        return value == null ? "" : value instanceof BigDecimal decimal ? decimal.toPlainString() : value.toString();
    }
}
