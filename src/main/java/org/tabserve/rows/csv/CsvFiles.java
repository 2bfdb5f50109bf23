package org.tabserve.rows.csv;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.tabserve.model.answer.ChunkAnswers;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.model.signature.Prediction;
import org.tabserve.rows.field.OnError;
import org.tabserve.rows.field.RowPlace;
import org.tabserve.rows.field.RowsException;
import org.tabserve.rows.read.RowChunk;

/**
 * The server's CSV reading for the command line ({@code card}, {@code score}): the same parser as a
 * {@code /predict_file} upload (columns by header name, typed cells, missing values, the same refusals), with no
 * servlet container, handing on the rows checked or receiving them scored ({@link #scored}). A file the upload would
 * refuse is refused with the same {@link RowsException}, which the command prints as its one line
 * ({@link RowsException#oneLine()}).
 */
public final class CsvFiles {

    /** Receives each chunk of checked rows, in file order. */
    public interface Rows {
        /**
         * @param batch   the rows, checked against the model's signature
         * @param column  the text of the requested extra column in each row (stripped), or null when none was asked for
         * @param numbers each row's number in the file (data rows from 0), for messages about it
         */
        void accept(Batch batch, List<String> column, long[] numbers) throws IOException;
    }

    /** Receives each chunk of scored rows, in file order. */
    public interface Scored {
        /** @param numbers each row's number in the file (data rows from 0), for messages about it */
        void accept(Batch batch, List<String> column, long[] numbers, List<Prediction> predictions) throws IOException;
    }

    private CsvFiles() {}

    /**
     * Reads every row of a CSV for a model of {@code signature}, handing on chunks while no row was refused.
     *
     * @param column a column beyond the model's inputs whose text is wanted (a label), or null
     * @throws RowsException what the upload would have answered (400 listing bad values, a missing column, ...)
     */
    public static void read(ModelSignature signature, InputStream in, String column, Rows rows) throws IOException {
        read(signature, in, column, OnError.REJECT, rows, place -> {});
    }

    /**
     * {@link #read}, choosing what a bad row does: with {@link OnError#ROW} the good rows are handed on and each bad
     * one is told to {@code refused}, in file order.
     *
     * @throws RowsException as {@link #read}; with {@link OnError#ROW} only for what is wrong with the file itself
     */
    public static void read(
            ModelSignature signature,
            InputStream in,
            String column,
            OnError onError,
            Rows rows,
            Consumer<RowPlace> refused)
            throws IOException {
        long[] read = {0};
        new CsvRowsParser(signature, Long.MAX_VALUE).onError(onError).forEachChunk(in, chunk -> {
            refusedOf(chunk, refused);
            long[] numbers = numbers(chunk, read);
            if (chunk.size() > 0) {
                rows.accept(chunk.batch(), column(chunk, column), numbers);
            }
        });
    }

    /**
     * The file's row number of each row of a chunk's batch: from its places with {@link OnError#ROW}, otherwise
     * counted on from the rows {@code read} before it (every row is then in a batch).
     */
    private static long[] numbers(RowChunk chunk, long[] read) {
        long[] numbers = new long[chunk.size()];
        if (chunk.places() != null) {
            for (RowPlace place : chunk.places()) {
                if (place.isScored()) {
                    numbers[place.batchRow()] = place.number();
                }
            }
        } else {
            for (int r = 0; r < numbers.length; r++) {
                numbers[r] = read[0] + r;
            }
        }
        read[0] += chunk.rowCount();
        return numbers;
    }

    /** Tells each bad row of a chunk read with {@link OnError#ROW}. */
    private static void refusedOf(RowChunk chunk, Consumer<RowPlace> refused) {
        if (chunk.places() != null) {
            for (RowPlace place : chunk.places()) {
                if (!place.isScored()) {
                    refused.accept(place);
                }
            }
        }
    }

    /**
     * Hands on each chunk of a file's rows as scored, in file order, as {@link #read} hands on the rows checked: what a
     * pass that scores a file gives the model's chunk scorer ({@link org.tabserve.model.answer.ChunkScorer}) to
     * receive the answers.
     *
     * @param column  a column beyond the model's inputs whose text is wanted (a label), or null
     * @param refused told each bad row of a file read with {@link OnError#ROW}, in file order
     */
    public static ChunkAnswers<RowChunk> scored(String column, Scored scored, Consumer<RowPlace> refused) {
        long[] read = {0};
        return (chunk, answered) -> {
            refusedOf(chunk, refused);
            long[] numbers = numbers(chunk, read);
            if (chunk.size() > 0) {
                scored.accept(chunk.batch(), column(chunk, column), numbers, answered.predictions());
            }
        };
    }

    /**
     * The column names of a CSV's header row, read as an upload reads them (byte order mark dropped, separator found
     * from the header), reading no further than the header.
     *
     * @throws RowsException when the header is not CSV or the file is not UTF-8 text
     */
    public static List<String> header(InputStream in) throws IOException {
        return CsvRowsParser.header(in);
    }

    /**
     * Refuses a CSV whose header has no column {@code column}, reading no further than the header: a command checks
     * the column its arguments name before any row, so that a file's bad rows do not hide a mistyped name.
     *
     * @throws RowsException as {@link #read} refuses the missing column, or as {@link #header} refuses the header
     */
    public static void requireColumn(InputStream in, String column) throws IOException {
        List<String> header = header(in);
        // An empty file is left to the reader, whose refusal names the columns the model needs.
        if (!header.isEmpty() && !header.contains(column)) {
            throw noColumn(column, header);
        }
    }

    private static RowsException noColumn(String column, List<String> header) {
        return RowsException.malformed("the CSV has no column '" + column + "'; its columns are " + header);
    }

    private static List<String> column(RowChunk chunk, String column) {
        if (column == null) {
            return null;
        }
        if (!chunk.columns().contains(column)) {
            throw noColumn(column, chunk.columns());
        }
        List<String> values = new ArrayList<>(chunk.size());
        for (int r = 0; r < chunk.size(); r++) {
            values.add(chunk.cell(r, column).strip());
        }
        return values;
    }
}
