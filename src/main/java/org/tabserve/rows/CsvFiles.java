package org.tabserve.rows;

import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.tabserve.model.Model;
import org.tabserve.model.answer.AnswerAssembler;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.Prediction;
import org.tabserve.rows.field.OnError;
import org.tabserve.rows.field.RowPlace;
import org.tabserve.rows.field.RowsException;
import org.tabserve.rows.read.CsvHeader;
import org.tabserve.rows.read.CsvRowLimits;
import org.tabserve.rows.read.CsvRowsParser;
import org.tabserve.rows.read.CsvSeparator;
import org.tabserve.rows.read.RowChunk;
import org.tabserve.rows.read.RowsReader;
import org.tabserve.rows.write.ChunkScorer;
import org.tabserve.rows.write.CsvAnswer;
import org.tabserve.rows.write.RowsWriter;

/**
 * The server's CSV reading and CSV answer for the command line ({@code card}, {@code score}): the same parser as a
 * {@code /predict_file} upload (columns by header name, typed cells, missing values, the same refusals) and the same
 * answer writer, on every core, with no servlet container. A file the upload would refuse is refused with the same
 * {@link RowsException}, which the command prints as its one line ({@link RowsException#oneLine()}).
 */
public final class CsvFiles {

    /** Opens the file for one reading pass. */
    public interface Source {
        InputStream open() throws IOException;
    }

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
     * Reads every row of a CSV for {@code model}, handing on chunks while no row was refused.
     *
     * @param column a column beyond the model's inputs whose text is wanted (a label), or null
     * @throws RowsException what the upload would have answered (400 listing bad values, a missing column, ...)
     */
    public static void read(Model model, InputStream in, String column, Rows rows) throws IOException {
        read(model, in, column, OnError.REJECT, rows, place -> {});
    }

    /**
     * {@link #read}, choosing what a bad row does: with {@link OnError#ROW} the good rows are handed on and each bad
     * one is told to {@code refused}, in file order.
     *
     * @throws RowsException as {@link #read}; with {@link OnError#ROW} only for what is wrong with the file itself
     */
    public static void read(
            Model model, InputStream in, String column, OnError onError, Rows rows, Consumer<RowPlace> refused)
            throws IOException {
        long[] read = {0};
        new CsvRowsParser(model.signature(), Long.MAX_VALUE).onError(onError).forEachChunk(in, chunk -> {
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
     * Reads and scores every row of a CSV on every core, handing on the chunks in file order.
     *
     * @throws RowsException as {@link #read}
     */
    public static void score(Model model, InputStream in, String column, Scored scored) throws IOException {
        score(model, in, column, OnError.REJECT, scored, place -> {});
    }

    /**
     * {@link #score}, choosing what a bad row does, as {@link #read(Model, InputStream, String, OnError, Rows, Consumer)}.
     */
    public static void score(
            Model model, InputStream in, String column, OnError onError, Scored scored, Consumer<RowPlace> refused)
            throws IOException {
        try (ChunkScorer scorer = new ChunkScorer(Runtime.getRuntime().availableProcessors())) {
            CsvRowsParser parser = new CsvRowsParser(model.signature(), Long.MAX_VALUE).onError(onError);
            long[] read = {0};
            CsvAnswer.score(
                    run -> parser.forEachChunk(in, run),
                    scorer.start(AnswerAssembler.offline(model), (chunk, answered) -> {
                        refusedOf(chunk, refused);
                        long[] numbers = numbers(chunk, read);
                        if (chunk.size() > 0) {
                            scored.accept(chunk.batch(), column(chunk, column), numbers, answered.predictions());
                        }
                    }));
        }
    }

    /**
     * Writes the answer {@code POST /predict_file} gives with {@code Accept: text/csv} to {@code out} (and closes it):
     * the file is read once to check every row, as the upload is, and again to score it on every core.
     *
     * @param onError  what a bad row does: refuse the file, or ({@link OnError#ROW}) be written in its place with
     *                 its problems in the answer's {@value CsvAnswer#ERROR_COLUMN} column
     * @param progress told of each chunk's rows as they are written
     * @return how many rows were written with their problems instead of an answer (0 with {@link OnError#REJECT})
     * @throws RowsException as {@link #read}, before anything is written
     */
    public static long writeScored(
            Model model, Source source, Writer out, OnError onError, java.util.function.IntConsumer progress)
            throws IOException {
        return writeScored(model, source, RowFormat.CSV, RowFormat.CSV.writer(out), onError, progress);
    }

    /**
     * {@link #writeScored(Model, Source, Writer, OnError, java.util.function.IntConsumer)} for rows in any format,
     * the answer written by {@code out} in its own.
     */
    public static long writeScored(
            Model model,
            Source source,
            RowFormat format,
            RowsWriter out,
            OnError onError,
            java.util.function.IntConsumer progress)
            throws IOException {
        RowsReader parser = format.reader(model.signature(), Long.MAX_VALUE).onError(onError);
        List<String> header;
        try (InputStream in = source.open()) {
            header = parser.validate(in);
        }
        try (ChunkScorer scorer = new ChunkScorer(Runtime.getRuntime().availableProcessors());
                InputStream in = source.open()) {
            int[] rows = {0};
            CsvAnswer.write(
                    out, AnswerAssembler.offline(model), scorer, parser, in, header, new CsvAnswer.RowListener() {
                        @Override
                        public void accept(RowChunk chunk, int row, Prediction prediction) {
                            counted();
                        }

                        @Override
                        public void refused(RowPlace place) {
                            counted();
                        }

                        private void counted() {
                            if (++rows[0] == RowsReader.CHUNK_ROWS) {
                                progress.accept(rows[0]);
                                rows[0] = 0;
                            }
                        }
                    });
            if (rows[0] > 0) {
                progress.accept(rows[0]); // the last part chunk's rows
            }
        }
        return parser.refusedRows();
    }

    /**
     * The column names of a CSV's header row, read as an upload reads them (byte order mark dropped, separator found
     * from the header), reading no further than the header.
     *
     * @throws RowsException when the header is not CSV or the file is not UTF-8 text
     */
    public static List<String> header(InputStream in) throws IOException {
        java.io.BufferedReader reader = new java.io.BufferedReader(RowsReader.utf8Text(in));
        try (reader) {
            CsvSeparator.Found found = CsvSeparator.of(reader, CsvRowLimits.RowMemory.NONE);
            try (org.apache.commons.csv.CSVParser parser = CsvHeader.parse(found.text(), found.separator().format)) {
                return List.copyOf(parser.getHeaderNames());
            }
        } catch (java.nio.charset.CharacterCodingException e) {
            throw RowsException.malformed("the CSV is not valid UTF-8 text");
        }
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
