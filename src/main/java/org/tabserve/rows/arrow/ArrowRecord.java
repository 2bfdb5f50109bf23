package org.tabserve.rows.arrow;

import java.util.AbstractList;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.UInt8Vector;
import org.apache.arrow.vector.ValueVector;

/**
 * An Arrow row's cells as the input held them (a float, a double, a whole number, a boolean, or text), kept for an
 * answer that echoes the input's columns: read as text by a text format's writer (rendered only then), and as its
 * values by {@link org.tabserve.rows.write.ArrowRowsWriter}, whose answer keeps each input column's type.
 */
public final class ArrowRecord extends AbstractList<String> {

    /** The kinds of column an Arrow answer echoes with their type; any other is echoed as text. */
    public enum Kind {
        FLOAT32,
        FLOAT64,
        INT64,
        BOOL,
        UTF8
    }

    private final Kind[] kinds;
    /** The row's cells (a Parquet row's), or null when the row is one of a slice's. */
    private final Object[] cells;

    private final ArrowSlice slice;
    private final int row;

    public ArrowRecord(Kind[] kinds, Object[] cells) {
        this.kinds = kinds;
        this.cells = cells;
        this.slice = null;
        this.row = -1;
    }

    /** Row {@code row} of a slice of an Arrow batch, its cells read from the slice when asked for. */
    public ArrowRecord(Kind[] kinds, ArrowSlice slice, int row) {
        this.kinds = kinds;
        this.cells = null;
        this.slice = slice;
        this.row = row;
    }

    /** @return how an Arrow answer echoes a column ({@code values}: its dictionary's, when it has one) */
    static Kind kind(FieldVector vector, ValueVector values) {
        if (values != vector) {
            return Kind.UTF8;
        }
        if (vector instanceof Float4Vector) {
            return Kind.FLOAT32;
        }
        if (vector instanceof Float8Vector) {
            return Kind.FLOAT64;
        }
        if (vector instanceof BaseIntVector && !(vector instanceof UInt8Vector)) {
            return Kind.INT64;
        }
        return vector instanceof BitVector ? Kind.BOOL : Kind.UTF8;
    }

    /** @return a cell as the record keeps it for its column's kind: a Float, Double, Long, Boolean, String or null */
    static Object cell(Kind kind, FieldVector vector, ValueVector values, int row) {
        if (vector.isNull(row)) {
            return null;
        }
        return switch (kind) {
            case FLOAT32 -> ((Float4Vector) vector).get(row);
            case FLOAT64 -> ((Float8Vector) vector).get(row);
            case INT64 -> ((BaseIntVector) vector).getValueAsLong(row);
            case BOOL -> ((BitVector) vector).get(row) != 0;
            case UTF8 -> ArrowCells.text(vector, values, row);
        };
    }

    /** @return whether the row's cells are read from a slice of an Arrow batch ({@link #doubleAt}, {@link #floatAt}) */
    public boolean inSlice() {
        return slice != null;
    }

    /** @return whether the cell at {@code i} of a row in a slice is null */
    public boolean isMissing(int i) {
        return slice.isMissing(i, row);
    }

    /** @return the float64 cell at {@code i} of a row in a slice, unboxed */
    public double doubleAt(int i) {
        return slice.doubleAt(i, row);
    }

    /** @return the float32 cell at {@code i} of a row in a slice, unboxed */
    public float floatAt(int i) {
        return slice.floatAt(i, row);
    }

    /** @return the kind of the column at {@code i} */
    public Kind kind(int i) {
        return kinds[i];
    }

    /** @return the cell at {@code i} as the input held it (null for missing) */
    public Object value(int i) {
        return slice != null ? slice.value(i, row) : cells[i];
    }

    /**
     * Sets the cell at {@code i} into an answer's column of its kind without boxing it ({@link ArrowSlice#setInto}).
     *
     * @return whether it was set; false when the writer must set it from {@link #value}
     */
    public boolean setInto(int i, org.apache.arrow.vector.FieldVector to, int at) {
        return slice != null && slice.setInto(i, row, to, at);
    }

    /** The cell as text: empty for a missing value or NaN, a number as Java writes it. */
    @Override
    public String get(int i) {
        Object cell = value(i);
        if (cell == null) {
            return "";
        }
        if (cell instanceof Double value && value.isNaN() || cell instanceof Float single && single.isNaN()) {
            return "";
        }
        return cell.toString();
    }

    @Override
    public int size() {
        return kinds.length;
    }
}
