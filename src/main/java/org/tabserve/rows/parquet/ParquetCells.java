package org.tabserve.rows.parquet;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Map;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;
import org.tabserve.model.signature.CellChecker;
import org.tabserve.model.signature.Feature;
import org.tabserve.rows.arrow.ArrowCells;
import org.tabserve.rows.arrow.ArrowRecord;
import org.tabserve.rows.read.RowPass;
import org.tabserve.rows.read.TextCells;

/**
 * Reads the cells of a Parquet column as the values a {@link org.tabserve.model.signature.Batch} takes for a feature, with no
 * text in between, as {@link ArrowCells} reads Arrow's: double and float columns as numbers (NaN as missing), int32
 * and int64 columns (signed, unsigned or decimal) as whole or exact numbers, booleans as booleans, string columns as
 * text read by the feature's type, nulls as missing; a number sent for a text input is taken as its exact text.
 */
final class ParquetCells {

    private ParquetCells() {}

    /** @return why a column cannot be read at all (nested, repeated), or null */
    static String notFlat(Type field) {
        if (!field.isPrimitive() || field.isRepetition(Type.Repetition.REPEATED)) {
            return "the Parquet file's column '" + field.getName() + "' is a nested or repeated one; tabserve reads"
                    + " flat tables, one value per cell";
        }
        return null;
    }

    /** @return why a column cannot hold a feature's values, or null when its cells are read one by one */
    static String unsupported(PrimitiveType field) {
        LogicalTypeAnnotation logical = field.getLogicalTypeAnnotation();
        boolean taken = switch (field.getPrimitiveTypeName()) {
            case BOOLEAN, FLOAT, DOUBLE -> logical == null;
            case INT32, INT64 ->
                logical == null
                        || logical instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation
                        || logical instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation;
            case BINARY, FIXED_LEN_BYTE_ARRAY -> text(field) || decimal(field) != null;
            case INT96 -> false;
        };
        return taken
                ? null
                : "the column '" + field.getName() + "' is of Parquet type " + field.getPrimitiveTypeName()
                        + (logical == null ? "" : " (" + logical + ")") + "; a model input takes numbers (int32,"
                        + " int64, float, double, decimal), booleans or text (string)";
    }

    /**
     * A feature's cell of a row.
     *
     * @return the value, null for missing, or a {@link RowPass.Unreadable}
     */
    static Object read(Feature feature, PrimitiveType field, Group row, int at, Map<String, String> numbersAsText) {
        if (row.getFieldRepetitionCount(at) == 0) {
            return null;
        }
        switch (field.getPrimitiveTypeName()) {
            case DOUBLE:
                return ArrowCells.fromDouble(feature, row.getDouble(at, 0), false, numbersAsText);
            case FLOAT:
                return ArrowCells.fromDouble(feature, row.getFloat(at, 0), true, numbersAsText);
            case BOOLEAN:
                boolean value = row.getBoolean(at, 0);
                return switch (feature.type()) {
                    case BOOL -> value;
                    case STRING -> value ? "true" : "false";
                    default -> new RowPass.Unreadable(CellChecker.notKind(feature, "a boolean"));
                };
            default:
                break;
        }
        Integer scale = decimal(field);
        if (scale == null && !text(field)) {
            long whole = field.getPrimitiveTypeName() == PrimitiveType.PrimitiveTypeName.INT32
                    ? row.getInteger(at, 0)
                    : row.getLong(at, 0);
            if (!unsigned(field)) {
                return ArrowCells.fromLong(feature, whole, numbersAsText);
            }
            BigDecimal exact = field.getPrimitiveTypeName() == PrimitiveType.PrimitiveTypeName.INT32
                    ? BigDecimal.valueOf(Integer.toUnsignedLong((int) whole))
                    : new BigDecimal(Long.toUnsignedString(whole));
            return ArrowCells.fromDecimal(feature, exact, numbersAsText);
        }
        if (scale != null) {
            return ArrowCells.fromDecimal(feature, decimalValue(field, row, at, scale), numbersAsText);
        }
        String text = row.getString(at, 0);
        Object cell = TextCells.read(feature, text, false);
        return cell == TextCells.UNREADABLE ? new RowPass.Unreadable(TextCells.problem(feature, text, false)) : cell;
    }

    /** @return how an answer echoes the column with its type; any other is echoed as text */
    static ArrowRecord.Kind kind(PrimitiveType field) {
        if (field.getLogicalTypeAnnotation() != null
                && !(field.getLogicalTypeAnnotation() instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation)) {
            return ArrowRecord.Kind.UTF8;
        }
        return switch (field.getPrimitiveTypeName()) {
            case FLOAT -> ArrowRecord.Kind.FLOAT32;
            case DOUBLE -> ArrowRecord.Kind.FLOAT64;
            case INT32, INT64 -> unsigned(field) ? ArrowRecord.Kind.UTF8 : ArrowRecord.Kind.INT64;
            case BOOLEAN -> ArrowRecord.Kind.BOOL;
            default -> ArrowRecord.Kind.UTF8;
        };
    }

    /** @return a cell as an echoed record keeps it for its column's kind, null for missing */
    static Object echo(ArrowRecord.Kind kind, PrimitiveType field, Group row, int at) {
        if (row.getFieldRepetitionCount(at) == 0) {
            return null;
        }
        return switch (kind) {
            case FLOAT32 -> row.getFloat(at, 0);
            case FLOAT64 -> row.getDouble(at, 0);
            case INT64 ->
                field.getPrimitiveTypeName() == PrimitiveType.PrimitiveTypeName.INT32
                        ? (long) row.getInteger(at, 0)
                        : row.getLong(at, 0);
            case BOOL -> row.getBoolean(at, 0);
            case UTF8 -> text(field, row, at);
        };
    }

    /** A cell of any flat column as text. */
    private static String text(PrimitiveType field, Group row, int at) {
        Integer scale = decimal(field);
        if (scale != null) {
            return decimalValue(field, row, at, scale).toPlainString();
        }
        return switch (field.getPrimitiveTypeName()) {
            case INT32 ->
                unsigned(field)
                        ? Integer.toUnsignedString(row.getInteger(at, 0))
                        : Integer.toString(row.getInteger(at, 0));
            case INT64 ->
                unsigned(field) ? Long.toUnsignedString(row.getLong(at, 0)) : Long.toString(row.getLong(at, 0));
            case BINARY, FIXED_LEN_BYTE_ARRAY ->
                text(field) ? row.getString(at, 0) : row.getBinary(at, 0).toStringUsingUTF8();
            default -> row.getValueToString(at, 0);
        };
    }

    private static boolean text(PrimitiveType field) {
        LogicalTypeAnnotation logical = field.getLogicalTypeAnnotation();
        return field.getPrimitiveTypeName() == PrimitiveType.PrimitiveTypeName.BINARY
                && (logical instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
                        || logical instanceof LogicalTypeAnnotation.EnumLogicalTypeAnnotation);
    }

    private static boolean unsigned(PrimitiveType field) {
        return field.getLogicalTypeAnnotation() instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation ints
                && !ints.isSigned();
    }

    /** @return the scale of a decimal column, or null */
    private static Integer decimal(PrimitiveType field) {
        return field.getLogicalTypeAnnotation() instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation d
                ? d.getScale()
                : null;
    }

    private static BigDecimal decimalValue(PrimitiveType field, Group row, int at, int scale) {
        BigInteger unscaled = switch (field.getPrimitiveTypeName()) {
            case INT32 -> BigInteger.valueOf(row.getInteger(at, 0));
            case INT64 -> BigInteger.valueOf(row.getLong(at, 0));
            default -> new BigInteger(row.getBinary(at, 0).getBytes());
        };
        return new BigDecimal(unscaled, scale);
    }
}
