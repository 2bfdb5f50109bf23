package org.tabserve.rows.write;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VarCharVector;

/**
 * Fills an answer's Arrow columns, from their first row, with a chunk's values held in heap arrays: the values copied
 * in bulk from one heap array (no direct buffer, no JVM flag), the validity set a byte at a time, so that a
 * column of a few thousand rows costs no bounds check per cell. The vectors end as setting each cell one by one
 * would leave them (a null's value bytes zero), so the record batch written is the same byte for byte.
 */
final class ArrowColumnFill {

    /** The values' bytes; handed to Arrow as its array (a heap ByteBuffer is read from its position, which it moves). */
    private ByteBuffer scratch = ByteBuffer.allocate(1 << 15).order(ByteOrder.LITTLE_ENDIAN);

    /**
     * Sets rows {@code [0, n)} of a float64 column.
     *
     * @param nulls which rows are null (their values are ignored), or null when none is
     */
    void doubles(Float8Vector vector, double[] values, boolean[] nulls, int n) {
        while (vector.getValueCapacity() < n) {
            vector.reAlloc();
        }
        ByteBuffer bytes = scratch(8L * n);
        bytes.clear();
        bytes.asDoubleBuffer().put(values, 0, n);
        for (int r = 0; nulls != null && r < n; r++) {
            if (nulls[r]) {
                bytes.putDouble(8 * r, 0);
            }
        }
        vector.getDataBuffer().setBytes(0, bytes.array(), 0, 8L * n);
        valid(vector.getValidityBuffer(), nulls, n);
    }

    /** Sets rows {@code [0, n)} of a float32 column, as {@link #doubles}. */
    void floats(Float4Vector vector, float[] values, boolean[] nulls, int n) {
        while (vector.getValueCapacity() < n) {
            vector.reAlloc();
        }
        ByteBuffer bytes = scratch(4L * n);
        bytes.clear();
        bytes.asFloatBuffer().put(values, 0, n);
        for (int r = 0; nulls != null && r < n; r++) {
            if (nulls[r]) {
                bytes.putFloat(4 * r, 0);
            }
        }
        vector.getDataBuffer().setBytes(0, bytes.array(), 0, 4L * n);
        valid(vector.getValidityBuffer(), nulls, n);
    }

    /**
     * Sets rows {@code [0, n)} of a utf8 column.
     *
     * @param cells each row's UTF-8 bytes, null for a null
     */
    void utf8(VarCharVector vector, byte[][] cells, int n) {
        long total = 0;
        boolean[] nulls = null;
        for (int r = 0; r < n; r++) {
            if (cells[r] == null) {
                nulls = nulls == null ? new boolean[n] : nulls;
                nulls[r] = true;
            } else {
                total += cells[r].length;
            }
        }
        while (vector.getValueCapacity() < n) {
            vector.reallocValidityAndOffsetBuffers();
        }
        while (vector.getByteCapacity() < total) {
            vector.reallocDataBuffer();
        }
        ByteBuffer offsets = scratch(4L * (n + 1));
        byte[] data = new byte[(int) total];
        int end = 0;
        offsets.putInt(0, 0);
        for (int r = 0; r < n; r++) {
            if (cells[r] != null) {
                System.arraycopy(cells[r], 0, data, end, cells[r].length);
                end += cells[r].length;
            }
            offsets.putInt(4 * (r + 1), end);
        }
        vector.getDataBuffer().setBytes(0, data, 0, data.length);
        vector.getOffsetBuffer().setBytes(0, offsets.array(), 0, 4L * (n + 1));
        valid(vector.getValidityBuffer(), nulls, n);
        vector.setLastSet(n - 1); // the offsets are all set: the vector must not fill them in again
    }

    /** Sets the validity of rows {@code [0, n)}: whole bytes of valid rows at once, then the last bits one by one. */
    private static void valid(ArrowBuf validity, boolean[] nulls, int n) {
        validity.setOne(0L, n / 8);
        for (int r = n / 8 * 8; r < n; r++) {
            BitVectorHelper.setBit(validity, r);
        }
        for (int r = 0; nulls != null && r < n; r++) {
            if (nulls[r]) {
                BitVectorHelper.unsetBit(validity, r);
            }
        }
    }

    private ByteBuffer scratch(long bytes) {
        if (scratch.capacity() < bytes) {
            scratch = ByteBuffer.allocate((int) Math.max(bytes, 2L * scratch.capacity()))
                    .order(ByteOrder.LITTLE_ENDIAN);
        }
        return scratch;
    }
}
