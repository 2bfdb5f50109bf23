package org.tabserve.model.onnx.plain;

import java.util.Arrays;

/**
 * One value flowing through a {@link PlainGraph}: a tensor of {@code rows × width} elements in row order, held in the
 * one Java array of its element type, so that an operator reads and writes plain arrays. Its rank is 2
 * ({@code [rows, width]}), 1 ({@code [rows]}, width 1) or 3 ({@code [rows, 1, width]}, as a OneHotEncoder makes of one
 * column).
 */
public final class PlainTensor {

    /** The element types a plain graph carries. */
    public enum Type {
        FLOAT,
        DOUBLE,
        INT64,
        STRING
    }

    private final Type type;
    private final int rows;
    private final int width;
    private final int rank;
    private final Object data;

    private PlainTensor(Type type, int rows, int width, int rank, Object data) {
        this.type = type;
        this.rows = rows;
        this.width = width;
        this.rank = rank;
        this.data = data;
    }

    /** A {@code [rows, width]} float tensor over {@code values} (not copied). */
    public static PlainTensor floats(int rows, int width, float[] values) {
        check(values.length, rows, width);
        return new PlainTensor(Type.FLOAT, rows, width, 2, values);
    }

    /** A {@code [rows, width]} double tensor over {@code values} (not copied). */
    public static PlainTensor doubles(int rows, int width, double[] values) {
        check(values.length, rows, width);
        return new PlainTensor(Type.DOUBLE, rows, width, 2, values);
    }

    /** A {@code [rows, width]} int64 tensor over {@code values} (not copied). */
    public static PlainTensor longs(int rows, int width, long[] values) {
        check(values.length, rows, width);
        return new PlainTensor(Type.INT64, rows, width, 2, values);
    }

    /** A {@code [rows, width]} string tensor over {@code values} (not copied). */
    public static PlainTensor strings(int rows, int width, String[] values) {
        check(values.length, rows, width);
        return new PlainTensor(Type.STRING, rows, width, 2, values);
    }

    private static void check(int length, int rows, int width) {
        if ((long) rows * width != length) {
            throw new IllegalArgumentException(length + " values for a [" + rows + ", " + width + "] tensor");
        }
    }

    /** The same values as a rank-1 tensor, {@code [rows]} (its width is 1). */
    public PlainTensor asRank1() {
        if (width != 1) {
            throw new IllegalArgumentException("a [" + rows + ", " + width + "] tensor is not [" + rows + "]");
        }
        return withRank(1);
    }

    /** The same values seen with another rank: 1 ({@code [rows]}), 2 or 3 ({@code [rows, 1, width]}). */
    PlainTensor withRank(int rank) {
        if (rank < 1 || rank > 3 || (rank == 1 && width != 1)) {
            throw new IllegalArgumentException("rank " + rank + " for " + this);
        }
        return new PlainTensor(type, rows, width, rank, data);
    }

    /** The same values as {@code [rows, width]} with another width (a reshape; {@code rows × width} unchanged). */
    PlainTensor reshaped(int rows, int width) {
        return new PlainTensor(type, rows, width, 2, data);
    }

    public Type type() {
        return type;
    }

    public int rows() {
        return rows;
    }

    public int width() {
        return width;
    }

    /** @return whether the tensor is {@code [rows]} rather than {@code [rows, width]} (width is then 1) */
    public boolean rank1() {
        return rank == 1;
    }

    /** @return 1, 2 or 3 (see the class comment) */
    public int rank() {
        return rank;
    }

    public float[] floats() {
        return (float[]) data;
    }

    public double[] doubles() {
        return (double[]) data;
    }

    public long[] longs() {
        return (long[]) data;
    }

    public String[] strings() {
        return (String[]) data;
    }

    /** @return every element as a float, as ONNX-ML's operators read their numeric inputs */
    float[] asFloats() {
        return switch (type) {
            case FLOAT -> floats();
            case DOUBLE -> {
                double[] d = doubles();
                float[] f = new float[d.length];
                for (int i = 0; i < d.length; i++) {
                    f[i] = (float) d[i];
                }
                yield f;
            }
            case INT64 -> {
                long[] l = longs();
                float[] f = new float[l.length];
                for (int i = 0; i < l.length; i++) {
                    f[i] = l[i];
                }
                yield f;
            }
            case STRING -> throw new IllegalStateException("a string tensor has no numbers");
        };
    }

    @Override
    public String toString() {
        return type + "[" + rows + (rank == 1 ? "" : rank == 2 ? ", " + width : ", 1, " + width) + "]"
                + (type == Type.FLOAT ? Arrays.toString(Arrays.copyOf(floats(), Math.min(8, floats().length))) : "");
    }
}
