package org.tabserve.model.answer;

/** How a table holds one answer column's cells: text (utf8, a string) or a number (float64, a double). */
public enum CellType {
    /** A label, the labels of a prediction set joined, a flag as {@code true}/{@code false}, a problem. */
    TEXT,
    /** A probability, a value, an interval's end, a coverage, a p-value. */
    NUMBER
}
