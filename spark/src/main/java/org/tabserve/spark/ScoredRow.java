package org.tabserve.spark;

import org.apache.spark.sql.Row;

/**
 * A scored row as the transformer hands it to Spark's row encoder: the input row's columns, then the answer and the
 * errors, read through the input row rather than copied out of it (a scored row was an {@code Object[]} of every input
 * cell again). Spark reads it by position ({@link #get}); it is never changed once made.
 */
final class ScoredRow implements Row {

    private static final long serialVersionUID = 1L;

    private final Row input;
    private final Object answer;
    private final Object errors;

    /**
     * @param answer the answer column's value (a struct's row), or null for a row left out
     * @param errors the error column's value, or null for a scored row
     */
    ScoredRow(Row input, Object answer, Object errors) {
        this.input = input;
        this.answer = answer;
        this.errors = errors;
    }

    @Override
    public int length() {
        return input.length() + 2;
    }

    @Override
    public Object get(int i) {
        int columns = input.length();
        if (i < columns) {
            return input.get(i);
        }
        if (i == columns) {
            return answer;
        }
        if (i == columns + 1) {
            return errors;
        }
        throw new IndexOutOfBoundsException("a scored row has " + length() + " columns, not " + (i + 1));
    }

    @Override
    public boolean isNullAt(int i) {
        return get(i) == null;
    }

    @Override
    public Row copy() {
        return this;
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof Row row) || row.length() != length()) {
            return false;
        }
        for (int i = 0; i < length(); i++) {
            if (!java.util.Objects.equals(get(i), row.get(i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int hash = 1;
        for (int i = 0; i < length(); i++) {
            hash = 31 * hash + java.util.Objects.hashCode(get(i));
        }
        return hash;
    }

    @Override
    public String toString() {
        return mkString("[", ",", "]");
    }
}
