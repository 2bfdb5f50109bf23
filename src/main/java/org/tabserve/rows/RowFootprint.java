package org.tabserve.rows;

import org.tabserve.model.ModelSignature;
import org.tabserve.model.ValueType;

/**
 * The heap one row of a file of rows holds while it is answered, estimated (over-estimated) in one place for every
 * route that reserves it from the memory budget, whatever format the rows came in: a reader hands on the same
 * {@link RowChunk}s, so a row costs the same from a CSV or a JSON Lines file once read. The figures are per object
 * of a 64-bit JVM with compressed pointers, rounded up: a row's arrays and their headers (64 bytes), 16 bytes a value
 * as read and in the batch, 56 bytes a text cell's string object (its characters are {@link #text}), and its
 * prediction (96 bytes, and 32 a class for its label's share and boxed probability).
 */
public final class RowFootprint {

    private RowFootprint() {
    }

    /** Heap one row kept for an answer scored from memory holds until it is written: values, text cells, prediction. */
    public static long kept(ModelSignature signature) {
        long textCells = signature.features().stream().filter(f -> f.type() == ValueType.STRING).count();
        return 64 + 16L * signature.featureCount() + 56 * textCells + 96 + 32L * signature.classLabels().size();
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
        long scored = 64 + 64L * columns + text(read.longestRecordChars()) + kept(signature)
                + text(read.longestRecordChars());
        return Math.max(scored, read.longestRefusedBytes());
    }
}
