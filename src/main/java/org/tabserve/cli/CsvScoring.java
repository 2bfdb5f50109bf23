package org.tabserve.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import org.tabserve.model.Model;
import org.tabserve.model.answer.AnswerAssembler;
import org.tabserve.model.answer.BatchScoring;
import org.tabserve.model.answer.ChunkScorer;
import org.tabserve.model.signature.Prediction;
import org.tabserve.rows.RowFormat;
import org.tabserve.rows.csv.CsvFiles;
import org.tabserve.rows.csv.CsvRowsParser;
import org.tabserve.rows.field.OnError;
import org.tabserve.rows.field.RowPlace;
import org.tabserve.rows.field.RowsException;
import org.tabserve.rows.read.RowChunk;
import org.tabserve.rows.read.RowsReader;
import org.tabserve.rows.write.CsvAnswer;
import org.tabserve.rows.write.RowsWriter;

/**
 * Scores a file of rows for the command line ({@code card}, {@code score}) on every core, with no servlet container:
 * rows reads the file as an upload is read ({@link CsvFiles}, {@link RowFormat#reader}) and writes the answer an
 * upload gets ({@link CsvAnswer}), and the model's chunk scorer ({@link ChunkScorer}) scores the chunks between.
 */
public final class CsvScoring {

    /** Opens the file for one reading pass. */
    public interface Source {
        InputStream open() throws IOException;
    }

    private CsvScoring() {}

    /**
     * Reads and scores every row of a CSV on every core, handing on the chunks in file order; what a bad row does is
     * chosen as for {@link CsvFiles#read(org.tabserve.model.signature.ModelSignature, InputStream, String, OnError,
     * CsvFiles.Rows, Consumer)}.
     *
     * @throws RowsException as {@link CsvFiles#read}
     */
    public static void score(
            Model model,
            InputStream in,
            String column,
            OnError onError,
            CsvFiles.Scored scored,
            Consumer<RowPlace> refused)
            throws IOException {
        try (ChunkScorer scorer = new ChunkScorer(Runtime.getRuntime().availableProcessors())) {
            RowsReader parser = new CsvRowsParser(model.signature(), Long.MAX_VALUE).onError(onError);
            scorer.start(AnswerAssembler.offline(model), CsvFiles.scored(column, scored, refused))
                    .score(run -> parser.forEachChunk(in, run::accept));
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
     * @throws RowsException as {@link CsvFiles#read}, before anything is written
     */
    public static long writeScored(Model model, Source source, Writer out, OnError onError, IntConsumer progress)
            throws IOException {
        return writeScored(model, source, RowFormat.CSV, RowFormat.CSV.writer(out), onError, progress);
    }

    /**
     * {@link #writeScored(Model, Source, Writer, OnError, IntConsumer)} for rows in any format, the answer written by
     * {@code out} in its own.
     */
    public static long writeScored(
            Model model, Source source, RowFormat format, RowsWriter out, OnError onError, IntConsumer progress)
            throws IOException {
        RowsReader parser = format.reader(model.signature(), Long.MAX_VALUE).onError(onError);
        List<String> header;
        try (InputStream in = source.open()) {
            header = parser.validate(in);
        }
        BatchScoring scoring = AnswerAssembler.offline(model);
        try (ChunkScorer scorer = new ChunkScorer(Runtime.getRuntime().availableProcessors());
                InputStream in = source.open()) {
            int[] rows = {0};
            CsvAnswer.write(
                    out,
                    scoring.shape(),
                    model.signature().features(),
                    scoring.source(),
                    header,
                    new CsvAnswer.RowListener() {
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
                    },
                    onError == OnError.ROW,
                    0,
                    sink -> scorer.start(scoring, sink).score(run -> parser.forEachChunk(in, run::accept)));
            if (rows[0] > 0) {
                progress.accept(rows[0]); // the last part chunk's rows
            }
        }
        return parser.refusedRows();
    }
}
