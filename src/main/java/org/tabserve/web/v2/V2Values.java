package org.tabserve.web.v2;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.Feature;
import org.tabserve.model.signature.ModelInput;
import org.tabserve.model.signature.ValueType;
import org.tabserve.web.http.HttpProblem;

/**
 * The values of an Open Inference Protocol tensor, each read as the cell {@link Batch#of} takes: BYTES (JSON strings)
 * for text, BOOL (JSON booleans), INT64/INT32 (whole numbers within the declared type), FP32/FP64. Values are never
 * converted between kinds: a string in numeric data or a number in BYTES data is a 400 naming the input. A number
 * input also takes the other numeric datatypes when every value is exactly of the input's type (an FP32 input: FP64,
 * INT32 and INT64 values that are exactly a float32). {@code null} is a missing value, taken for the features that
 * may be missing (it becomes NaN).
 */
public final class V2Values {

    private static final BigInteger INT32_MIN = BigInteger.valueOf(Integer.MIN_VALUE);
    private static final BigInteger INT32_MAX = BigInteger.valueOf(Integer.MAX_VALUE);
    private static final BigInteger INT64_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger INT64_MAX = BigInteger.valueOf(Long.MAX_VALUE);
    /** Whole numbers up to this magnitude are exact in a double. */
    private static final BigInteger DOUBLE_EXACT = BigInteger.ONE.shiftLeft(53);

    private V2Values() {}

    /**
     * The datatypes an input of this type takes, the input's own first: number inputs also take the other numeric
     * datatypes whose values are exactly of the input's type.
     */
    public static List<String> datatypes(ValueType type) {
        return switch (type) {
            case FLOAT -> List.of("FP32", "FP64", "INT32", "INT64");
            case DOUBLE -> List.of("FP64", "FP32", "INT32", "INT64");
            case INT64 -> List.of("INT64", "INT32");
            case INT32 -> List.of("INT32", "INT64");
            case STRING -> List.of("BYTES");
            case BOOL -> List.of("BOOL");
        };
    }

    /**
     * One value as the cell {@link Batch#of} takes: a String (BYTES), a Boolean (BOOL), a number exactly as the model
     * takes it, or null for a missing value; anything else is refused here, naming the input.
     */
    static Object cell(JsonNode node, String datatype, ModelInput input, Feature feature, int index) {
        String where = "input '" + input.name() + "': data value " + index
                + (input.width() > 1 ? " (feature '" + feature.name() + "')" : "");
        // NaN is how Python's json.dumps writes a missing value (pandas' NaN): the same as null.
        boolean nan = node.isFloatingPointNumber() && Double.isNaN(node.doubleValue());
        if (node.isNull() || nan) {
            if (!feature.takesMissing()) {
                throw HttpProblem.badRequest(where + " is " + (nan ? "NaN (a missing value)" : "null") + ", but '"
                        + feature.name() + "' may not be missing");
            }
            return null;
        }
        switch (datatype) {
            case "BYTES" -> {
                if (!node.isTextual()) {
                    throw HttpProblem.badRequest(where + " must be a string (BYTES), got " + describe(node));
                }
                return node.textValue();
            }
            case "BOOL" -> {
                if (!node.isBoolean()) {
                    throw HttpProblem.badRequest(where + " must be true or false (BOOL), got " + describe(node));
                }
                return node.booleanValue();
            }
            default -> {
                if (!node.isNumber()) {
                    throw HttpProblem.badRequest(where + " must be a number (" + datatype + "), got " + describe(node));
                }
                return datatype.startsWith("FP")
                        ? real(node, datatype, input.type(), where)
                        : whole(node, datatype, input.type(), where);
            }
        }
    }

    /** An FP32 or FP64 value for a float or double input. */
    private static Object real(JsonNode node, String datatype, ValueType type, String where) {
        double value = node.doubleValue();
        if (datatype.equals("FP32")) {
            float rounded = (float) value;
            if (!Float.isFinite(rounded)) {
                throw HttpProblem.badRequest(where + " (" + node + ") is outside the FP32 range");
            }
            return (double) rounded;
        }
        if (!Double.isFinite(value)) {
            throw HttpProblem.badRequest(where + " (" + node + ") is outside the FP64 range");
        }
        if (type == ValueType.FLOAT && (float) value != value) {
            throw HttpProblem.badRequest(where + " (" + node + ") is not exactly a float32, which the model "
                    + "takes; send it as FP32 to have it rounded");
        }
        return value;
    }

    /** An INT32 or INT64 value: whole, within the declared type, and exact in the input's type. */
    private static Object whole(JsonNode node, String datatype, ValueType type, String where) {
        BigInteger value;
        if (node.isIntegralNumber()) {
            value = node.bigIntegerValue();
        } else {
            double d = node.doubleValue();
            BigDecimal exact = Double.isFinite(d) ? node.decimalValue() : null;
            if (exact == null
                    || exact.signum() != 0 && exact.stripTrailingZeros().scale() > 0) {
                throw HttpProblem.badRequest(
                        where + " (" + node + ") is not a whole number, as " + datatype + " requires");
            }
            value = exact.toBigInteger();
        }
        boolean int32 = datatype.equals("INT32");
        if (value.compareTo(int32 ? INT32_MIN : INT64_MIN) < 0 || value.compareTo(int32 ? INT32_MAX : INT64_MAX) > 0) {
            throw HttpProblem.badRequest(where + " (" + node + ") is outside the " + datatype + " range");
        }
        switch (type) {
            case FLOAT -> {
                float rounded = value.floatValue();
                if (new BigDecimal(rounded).toBigIntegerExact().compareTo(value) != 0) {
                    throw HttpProblem.badRequest(where + " (" + node + ") is not exactly a float32, which the model "
                            + "takes (whole numbers are exact up to 16777216)");
                }
                return (double) rounded;
            }
            case DOUBLE -> {
                if (value.abs().compareTo(DOUBLE_EXACT) > 0
                        && new BigDecimal(value.doubleValue())
                                        .toBigIntegerExact()
                                        .compareTo(value)
                                != 0) {
                    throw HttpProblem.badRequest(where + " (" + node + ") is not exactly a float64, which the model "
                            + "takes (whole numbers are exact up to 9007199254740992)");
                }
                return value.doubleValue();
            }
            default -> {
                return value.longValue(); // INT32 and INT64 inputs: Batch checks an INT32 input's range
            }
        }
    }

    /** What a JSON value is, for a message: "an object", "a string", ... */
    static String describe(JsonNode node) {
        return switch (node.getNodeType()) {
            case OBJECT -> "an object";
            case ARRAY -> "an array";
            case STRING -> "a string";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            case NUMBER -> "a number";
            default -> node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
