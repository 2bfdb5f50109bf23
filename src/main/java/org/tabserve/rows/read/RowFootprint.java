package org.tabserve.rows.read;

import org.tabserve.model.signature.ModelSignature;
import org.tabserve.model.signature.ValueType;
import org.tabserve.rows.field.OnError;

/**
 * The heap rows hold while they are answered, estimated (over-estimated) in one place for every route that reserves
 * it from the memory budget: per byte of a body read whole ({@link #PER_BODY_BYTE}), per row of a file, whatever
 * format the rows came in: a reader hands on the same
 * {@link RowChunk}s, so a row costs the same from a CSV or a JSON Lines file once read. The figures are per object
 * of a 64-bit JVM with compressed pointers, rounded up: a row's arrays and their headers (64 bytes), 16 bytes a value
 * as read and in the batch, 56 bytes a text cell's string object (its characters are {@link #text}), and its
 * prediction (96 bytes, and 32 a class for its label's share and boxed probability).
 */
public final class RowFootprint {

    /**
     * Heap per byte of a body whose rows are read whole before they are scored (JSON on every route; CSV and JSON
     * Lines on {@code /invocations}), metered as the body arrives, before its rows are known: field names and boxed
     * numbers per row, the rows, their predictions and the answer (a 70-byte JSON row becomes about 600 bytes), or a
     * long CSV row's parse (at most 15.3 bytes a character, measured). Over-estimated, as the others here.
     */
    public static final int PER_BODY_BYTE = 16;

    private RowFootprint() {}

    /** Heap one row kept for an answer scored from memory holds until it is written: values, text cells, prediction. */
    public static long kept(ModelSignature signature) {
        long textCells = signature.features().stream()
                .filter(f -> f.type() == ValueType.STRING)
                .count();
        return 64
                + 16L * signature.featureCount()
                + 56 * textCells
                + 96
                + 32L * signature.classLabels().size();
    }

    /** Heap the characters of text cells hold, at two bytes a character (strings past Latin-1 take that). */
    public static long text(long chars) {
        return 2 * chars;
    }

    /**
     * Heap one row of a streamed file holds while its chunk is in flight, from the longest row the checking pass
     * saw ({@link RowsReader#longestRecordChars}): its cells as read (a string per column), its values with their
     * text and its prediction; a refused row ({@link OnError#ROW}) holds its problems and cells instead, and the
     * larger of the two counts.
     */
    public static long streamed(ModelSignature signature, int columns, RowsReader read) {
        long scored = 64
                + 64L * columns
                + text(read.longestRecordChars())
                + kept(signature)
                + text(read.longestRecordChars());
        return Math.max(scored, read.longestRefusedBytes());
    }
}
