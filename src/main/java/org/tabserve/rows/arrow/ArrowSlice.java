package org.tabserve.rows.arrow;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.ValueVector;
import org.tabserve.rows.read.RowsReader;

/**
 * A few thousand rows of an Arrow record batch's columns copied out of Arrow's memory into arrays by their kind
 * ({@link ArrowRecord.Kind}): float64 and float32 columns in bulk, so that the rows made of them and an answer's echo
 * of them need no object per cell, and hold nothing of Arrow's buffers, which the next batch reuses.
 */
public final class ArrowSlice {

    /** The most bytes of values one slice copies, which bounds its rows for a wide table. */
    static final int MAX_BYTES = 1 << 20;

    private final ArrowRecord.Kind[] kinds;
    /** Per column: double[], float[], long[], boolean[] or String[] by its kind; null for a column not copied. */
    private final Object[] values;
    /** Per column: which rows are null, or null when none is. */
    private final boolean[][] missing;

    private ArrowSlice(ArrowRecord.Kind[] kinds, Object[] values, boolean[][] missing) {
        this.kinds = kinds;
        this.values = values;
        this.missing = missing;
    }

    /** @return the rows a slice of {@code columns} copied columns holds: a chunk's, fewer for a wide table */
    static int rows(int columns) {
        return Math.max(1, Math.min(RowsReader.CHUNK_ROWS, MAX_BYTES / (8 * Math.max(1, columns))));
    }

    /**
     * Copies rows {@code from} to {@code from + rows} of the columns wanted.
     *
     * @param decoded each column's values (its dictionary's, when it has one)
     * @param nulls   whether each column has a null in the batch
     * @throws IndexOutOfBoundsException when a column's buffer is shorter than its rows
     */
    public static ArrowSlice copy(
            List<FieldVector> vectors,
            ValueVector[] decoded,
            ArrowRecord.Kind[] kinds,
            boolean[] wanted,
            boolean[] nulls,
            int from,
            int rows) {
        Object[] values = new Object[kinds.length];
        boolean[][] missing = new boolean[kinds.length][];
        for (int c = 0; c < kinds.length; c++) {
            if (!wanted[c]) {
                continue;
            }
            FieldVector vector = vectors.get(c);
            if (nulls[c]) {
                missing[c] = new boolean[rows];
                for (int r = 0; r < rows; r++) {
                    missing[c][r] = vector.isNull(from + r);
                }
            }
            values[c] = switch (kinds[c]) {
                case FLOAT64 -> {
                    double[] out = new double[rows];
                    bytes((Float8Vector) vector, 8, from, rows).asDoubleBuffer().get(out);
                    yield out;
                }
                case FLOAT32 -> {
                    float[] out = new float[rows];
                    bytes((Float4Vector) vector, 4, from, rows).asFloatBuffer().get(out);
                    yield out;
                }
                case INT64 -> {
                    long[] out = new long[rows];
                    for (int r = 0; r < rows; r++) {
                        out[r] = missing[c] != null && missing[c][r]
                                ? 0
                                : ((BaseIntVector) vector).getValueAsLong(from + r);
                    }
                    yield out;
                }
                case BOOL -> {
                    boolean[] out = new boolean[rows];
                    for (int r = 0; r < rows; r++) {
                        out[r] = (missing[c] == null || !missing[c][r]) && ((BitVector) vector).get(from + r) != 0;
                    }
                    yield out;
                }
                case UTF8 -> {
                    String[] out = new String[rows];
                    for (int r = 0; r < rows; r++) {
                        out[r] = ArrowCells.text(vector, decoded[c], from + r);
                    }
                    yield out;
                }
            };
        }
        return new ArrowSlice(kinds, values, missing);
    }

    /** A fixed-width column's values of the rows, copied through the heap (no direct buffer: no JVM flag). */
    private static ByteBuffer bytes(FieldVector vector, int width, int from, int rows) {
        byte[] bytes = new byte[rows * width];
        vector.getDataBuffer().getBytes((long) from * width, bytes, 0, bytes.length);
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** @return the kind of column {@code c} */
    ArrowRecord.Kind kind(int c) {
        return kinds[c];
    }

    /** @return whether the cell is null */
    boolean isMissing(int c, int row) {
        return missing[c] != null && missing[c][row];
    }

    /**
     * @return the features' cells of a row as plain numbers, {@code at} naming their float64 or float32 columns, or
     *         null when one is missing, NaN or infinite (a cell whose problem {@link ArrowCells} tells)
     */
    double[] numbers(int[] at, int row) {
        double[] out = new double[at.length];
        for (int i = 0; i < at.length; i++) {
            int c = at[i];
            if (isMissing(c, row)) {
                return null;
            }
            double value = values[c] instanceof double[] doubles ? doubles[row] : ((float[]) values[c])[row];
            if (!Double.isFinite(value)) {
                return null;
            }
            out[i] = value;
        }
        return out;
    }

    /** @return a float64 column's cell (any value for a null: {@link #isMissing} says) */
    double doubleAt(int c, int row) {
        return ((double[]) values[c])[row];
    }

    /** @return a float32 column's cell (any value for a null: {@link #isMissing} says) */
    float floatAt(int c, int row) {
        return ((float[]) values[c])[row];
    }

    /** @return whether {@link #numbers} would give the row's numbers, without making them */
    boolean finite(int[] at, int row) {
        for (int c : at) {
            if (isMissing(c, row)) {
                return false;
            }
            double value = values[c] instanceof double[] doubles ? doubles[row] : ((float[]) values[c])[row];
            if (!Double.isFinite(value)) {
                return false;
            }
        }
        return true;
    }

    /** @return the cell as {@link ArrowRecord#value} gives it: a Float, Double, Long, Boolean, String or null */
    Object value(int c, int row) {
        if (isMissing(c, row)) {
            return null;
        }
        return switch (kinds[c]) {
            case FLOAT64 -> ((double[]) values[c])[row];
            case FLOAT32 -> ((float[]) values[c])[row];
            case INT64 -> ((long[]) values[c])[row];
            case BOOL -> ((boolean[]) values[c])[row];
            case UTF8 -> ((String[]) values[c])[row];
        };
    }

    /**
     * Sets the cell into an answer's column of the same kind ({@link org.tabserve.rows.write.ArrowRowsWriter}) without
     * boxing it.
     *
     * @return whether it was set; false for a text cell, which the writer sets from its text
     */
    boolean setInto(int c, int row, FieldVector to, int at) {
        if (isMissing(c, row)) {
            to.setNull(at);
            return true;
        }
        switch (kinds[c]) {
            case FLOAT64 -> ((Float8Vector) to).setSafe(at, ((double[]) values[c])[row]);
            case FLOAT32 -> ((Float4Vector) to).setSafe(at, ((float[]) values[c])[row]);
            case INT64 -> ((org.apache.arrow.vector.BigIntVector) to).setSafe(at, ((long[]) values[c])[row]);
            case BOOL -> ((BitVector) to).setSafe(at, ((boolean[]) values[c])[row] ? 1 : 0);
            case UTF8 -> {
                return false;
            }
        }
        return true;
    }
}
