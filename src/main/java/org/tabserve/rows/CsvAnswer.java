package org.tabserve.rows;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.QuoteMode;
import org.tabserve.model.Model;
import org.tabserve.model.Prediction;

import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The CSV answer to a CSV of rows: the input columns, then a classifier's label and one probability per class, or a
 * regressor's value. One writer for {@code /predict_file} with {@code Accept: text/csv}, the upload page's download
 * and the {@code score} command; it uses no servlet class, so the command line can run it without a container. Text
 * that a spreadsheet would run as a formula is written as text ({@link #isFormula}).
 */
public final class CsvAnswer {

    /** Sees each scored row as it is written, for the HTML page's preview. */
    public interface RowListener {
        void accept(CsvRowsParser.Chunk chunk, int row, Prediction prediction);
    }

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
    public static void write(Writer writer, UnaryOperator<List<Prediction>> counted, Model classifier, ChunkScorer scorer,
                      CsvRowsParser parser, InputStream in, List<String> header, RowListener listener)
            throws IOException {
        write(writer, counted, classifier, scorer, parser, in, header, listener, true);
    }

    /** @param parallel whether chunks are scored on the scorer's pool or one by one on this thread */
    public static void write(Writer writer, UnaryOperator<List<Prediction>> counted, Model classifier, ChunkScorer scorer,
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
        try (Writer csv = writer) {
            printRecord(csv, columns);
            List<Object> out = new ArrayList<>();
            ChunkScorer.Sink sink = (chunk, predictions) -> {
                for (int r = 0; r < chunk.size(); r++) {
                    listener.accept(chunk, r, predictions.get(r));
                }
                for (int r = 0; r < chunk.size(); r++) {
                    out.clear();
                    chunk.records().get(r).forEach(out::add);
                    if (predictions.get(r) instanceof Prediction.Classification classification) {
                        out.add(classification.label());
                        out.addAll(classification.probabilities());
                    } else {
                        out.add(((Prediction.Regression) predictions.get(r)).value());
                    }
                    printRecord(csv, out);
                }
            };
            score(run -> parser.forEachChunk(in, run),
                    parallel ? scorer.start(classifier, counted, sink) : scorer.startInline(classifier, counted, sink));
        }
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
