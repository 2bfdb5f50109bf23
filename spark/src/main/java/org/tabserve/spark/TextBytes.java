package org.tabserve.spark;

import static org.apache.spark.sql.functions.col;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Carries a table's text columns through the transformer's {@code Row} round trip as their UTF-8 bytes: cast to binary
 * before the rows leave Spark's own format and back to text after, both in Spark's generated code. A text column the
 * model does not read is then never decoded into a Java string and encoded back; and no column needs Spark's
 * reflective {@code Invoke} to become a {@code Row}, whose first use costs each executor about 0.3 s of CPU (Scala
 * reflection's start). The scorer decodes the text the model reads, as Spark's own decoding does.
 */
final class TextBytes {

    private final boolean[] text;

    private TextBytes(boolean[] text) {
        this.text = text;
    }

    /**
     * @return the columns of {@code schema} carried as bytes: those of Spark's plain text type; none when two names
     *     are the same to Spark (which could not tell them apart by name)
     */
    static TextBytes of(StructType schema) {
        StructField[] fields = schema.fields();
        boolean[] text = new boolean[fields.length];
        Set<String> names = new HashSet<>();
        for (int c = 0; c < fields.length; c++) {
            if (!names.add(fields[c].name().toLowerCase(Locale.ROOT))) {
                return new TextBytes(new boolean[fields.length]);
            }
            text[c] = fields[c].dataType().equals(DataTypes.StringType);
        }
        return new TextBytes(text);
    }

    /** @return whether column {@code column} of the table comes to the scorer as its text's UTF-8 bytes */
    boolean bytes(int column) {
        return text[column];
    }

    /** @return whether any column is carried as bytes */
    private boolean any() {
        for (boolean bytes : text) {
            if (bytes) {
                return true;
            }
        }
        return false;
    }

    /** @return the table with each text column as its UTF-8 bytes */
    Dataset<Row> in(Dataset<Row> table) {
        if (!any()) {
            return table;
        }
        StructField[] fields = table.schema().fields();
        Column[] columns = new Column[fields.length];
        for (int c = 0; c < fields.length; c++) {
            Column column = col(quoted(fields[c].name()));
            columns[c] =
                    text[c] ? column.cast(DataTypes.BinaryType).as(fields[c].name(), fields[c].metadata()) : column;
        }
        return table.select(columns);
    }

    /** @return {@code scored}, the scorer's schema: the table's text columns as bytes, then the columns it adds */
    StructType scored(StructType out) {
        StructField[] fields = out.fields().clone();
        for (int c = 0; c < text.length; c++) {
            if (text[c]) {
                StructField field = fields[c];
                fields[c] = new StructField(field.name(), DataTypes.BinaryType, field.nullable(), field.metadata());
            }
        }
        return new StructType(fields);
    }

    /**
     * @param out    the transformer's schema
     * @param answer the answer column's name
     * @return the scorer's rows with each text column as text again, and every column with its metadata (Spark's
     *     row encoder keeps none): the answer's carries its request-level fields
     */
    Dataset<Row> out(Dataset<Row> scored, StructType out, String answer) {
        if (!any()) {
            return scored.withMetadata(answer, out.apply(answer).metadata());
        }
        StructField[] fields = out.fields();
        Column[] columns = new Column[fields.length];
        for (int c = 0; c < fields.length; c++) {
            Column column = col(quoted(fields[c].name()));
            DataType type = fields[c].dataType();
            Metadata metadata = fields[c].metadata();
            columns[c] = (c < text.length && text[c] ? column.cast(type) : column).as(fields[c].name(), metadata);
        }
        return scored.select(columns);
    }

    /** A column's name as Spark reads it whole, dots and back-ticks included. */
    private static String quoted(String name) {
        return "`" + name.replace("`", "``") + "`";
    }
}
