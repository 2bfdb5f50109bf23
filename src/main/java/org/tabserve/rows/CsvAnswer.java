package org.tabserve.rows;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.QuoteMode;
import org.tabserve.model.Model;
import org.tabserve.model.Prediction;
import org.tabserve.model.PredictionCounter;

import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;

/**
 * The CSV answer to a CSV of rows: the input columns, then a classifier's label and one probability per class, or a
 * regressor's value; with {@link OnError#ROW}, a last column {@value #ERROR_COLUMN}, empty for a scored row and, for a
 * bad row (whose answer columns are empty), its problems as {@code field: message; field: message}. One writer for {@code /predict_file} with {@code Accept: text/csv}, the upload page's download
 * and the {@code score} command; it uses no servlet class, so the command line can run it without a container. Text
 * that a spreadsheet would run as a formula is written as text ({@link #isFormula}).
 */
public final class CsvAnswer {

    /** Sees each scored row as it is written, for the HTML page's preview. */
    public interface RowListener {
        void accept(CsvRowsParser.Chunk chunk, int row, Prediction prediction);

        /** Sees a bad row, in its place among the scored ones ({@link OnError#ROW} only). */
        default void refused(RowPlace place) {
        }
    }

    /** The last column of an answer with {@link OnError#ROW}: empty for a scored row, a bad row's problems. */
    public static final String ERROR_COLUMN = "error";

    /** Feeds the chunks of an upload to a scoring run. */
    public interface ChunkSource {
        void feed(ChunkScorer.Run run) throws IOException;
    }

    private CsvAnswer() {
    }

    /** Feeds {@code source} into {@code run} and then writes what is still in flight; cancels the run on failure. */
    public static void score(ChunkSource source, ChunkScorer.Run run) throws IOException {
        try {
            source.feed(run);
            run.finish();
        } catch (IOException | RuntimeException | Error e) {
            run.cancel();
            throw e;
        }
    }

    /** Writes the answer to {@code writer} and closes it, scoring chunks on every core. */
    public static void write(Writer writer, PredictionCounter counted, Model classifier, ChunkScorer scorer,
                      CsvRowsParser parser, InputStream in, List<String> header, RowListener listener)
            throws IOException {
        write(writer, counted, classifier, scorer, parser, in, header, listener, true);
    }

    /** @param parallel whether chunks are scored on the scorer's pool or one by one on this thread */
    public static void write(Writer writer, PredictionCounter counted, Model classifier, ChunkScorer scorer,
                      CsvRowsParser parser, InputStream in, List<String> header, RowListener listener,
                      boolean parallel) throws IOException {
        List<String> classes = classifier.signature().classLabels();
        List<String> columns = new ArrayList<>(header);
        if (classifier.signature().task() == org.tabserve.model.Task.REGRESSION) {
            columns.add("value");
        } else {
            columns.add("label");
            classes.forEach(c -> columns.add("probability_" + c));
        }
        boolean inPlace = parser.onError() == OnError.ROW;
        int answerColumns = columns.size() - header.size();
        if (inPlace) {
            columns.add(ERROR_COLUMN);
        }
        try (Writer csv = writer) {
            printRecord(csv, columns);
            List<Object> out = new ArrayList<>();
            ChunkScorer.Sink sink = (chunk, predictions) -> {
                if (inPlace) {
                    for (RowPlace place : chunk.places()) {
                        if (place.isScored()) {
                            listener.accept(chunk, place.batchRow(), predictions.get(place.batchRow()));
                        } else {
                            listener.refused(place);
                        }
                    }
                    for (RowPlace place : chunk.places()) {
                        out.clear();
                        if (place.isScored()) {
                            scoredRow(out, chunk, place.batchRow(), predictions.get(place.batchRow()));
                            out.add("");
                        } else {
                            refusedRow(out, place, header.size(), answerColumns);
                        }
                        printRecord(csv, out);
                    }
                    return;
                }
                for (int r = 0; r < chunk.size(); r++) {
                    listener.accept(chunk, r, predictions.get(r));
                }
                for (int r = 0; r < chunk.size(); r++) {
                    out.clear();
                    scoredRow(out, chunk, r, predictions.get(r));
                    printRecord(csv, out);
                }
            };
            score(run -> parser.forEachChunk(in, run),
                    parallel ? scorer.start(classifier, counted, sink) : scorer.startInline(classifier, counted, sink));
        }
    }

    /** A scored row's input columns and its answer. */
    private static void scoredRow(List<Object> out, CsvRowsParser.Chunk chunk, int row, Prediction prediction) {
        chunk.records().get(row).forEach(out::add);
        if (prediction instanceof Prediction.Classification classification) {
            out.add(classification.label());
            out.addAll(classification.probabilities());
        } else {
            out.add(((Prediction.Regression) prediction).value());
        }
    }

    /**
     * A bad row's input columns as the file wrote them (a row of the wrong length cut or padded to the header's),
     * empty answer columns and its problems.
     */
    private static void refusedRow(List<Object> out, RowPlace place, int width, int answerColumns) {
        List<String> cells = place.cells() == null ? List.of() : place.cells();
        for (int i = 0; i < width; i++) {
            out.add(i < cells.size() ? cells.get(i) : "");
        }
        for (int i = 0; i < answerColumns; i++) {
            out.add("");
        }
        out.add(place.problemsText());
    }

    private static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder().setRecordSeparator("\n").get();
    /** For a cell escaped as a formula's text: quoted whatever it holds, as OWASP's advice on CSV injection has it. */
    private static final CSVFormat QUOTED = FORMAT.builder().setQuoteMode(QuoteMode.ALL).get();

    /** Writes one record, its text cells that a spreadsheet would run as a formula escaped ({@link #isFormula}). */
    private static void printRecord(Writer csv, List<?> values) throws IOException {
        for (int i = 0; i < values.size(); i++) {
            Object value = values.get(i);
            if (value instanceof String text && isFormula(text)) {
                QUOTED.print("'" + text, csv, i == 0);
            } else {
                FORMAT.print(value, csv, i == 0);
            }
        }
        FORMAT.println(csv);
    }

    /**
     * Whether a spreadsheet opening the answer would take this text cell for a formula (CSV injection: an input
     * column, a label or a column name sent as {@code =HYPERLINK(...)} runs when the file is opened): it starts with
     * {@code = + - @}, a tab or a carriage return and is not a number ({@code -1.5} and {@code +2e3} stay numbers;
     * {@code -1,5} too, a decimal comma from a semicolon-separated upload).
     */
    static boolean isFormula(String text) {
        if (text.isEmpty()) {
            return false;
        }
        char first = text.charAt(0);
        if (first != '=' && first != '+' && first != '-' && first != '@' && first != '\t' && first != '\r') {
            return false;
        }
        return !NumberText.isDecimal(text) && !NumberText.isDecimal(text.replace(',', '.'));
    }
}
