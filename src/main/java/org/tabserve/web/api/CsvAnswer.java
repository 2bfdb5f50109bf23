package org.tabserve.web.api;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.tabserve.model.OnnxModel;
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
 * and the {@code score} command; it uses no servlet class, so the command line can run it without a container.
 */
public final class CsvAnswer {

    /** Sees each scored row as it is written, for the HTML page's preview. */
    public interface RowListener {
        void accept(CsvRowsParser.Chunk chunk, int row, Prediction prediction);
    }

    /** Feeds the chunks of an upload to a scoring run. */
    interface ChunkSource {
        void feed(ChunkScorer.Run run) throws IOException;
    }

    private CsvAnswer() {
    }

    /** Feeds {@code source} into {@code run} and then writes what is still in flight; cancels the run on failure. */
    static void score(ChunkSource source, ChunkScorer.Run run) throws IOException {
        try {
            source.feed(run);
            run.finish();
        } catch (IOException | RuntimeException | Error e) {
            run.cancel();
            throw e;
        }
    }

    /** Writes the answer to {@code writer} and closes it, scoring chunks on every core. */
    static void write(Writer writer, UnaryOperator<List<Prediction>> counted, OnnxModel classifier, ChunkScorer scorer,
                      CsvRowsParser parser, InputStream in, List<String> header, RowListener listener)
            throws IOException {
        write(writer, counted, classifier, scorer, parser, in, header, listener, true);
    }

    /** @param parallel whether chunks are scored on the scorer's pool or one by one on this thread */
    public static void write(Writer writer, UnaryOperator<List<Prediction>> counted, OnnxModel classifier, ChunkScorer scorer,
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
        try (CSVPrinter csv = new CSVPrinter(writer, CSVFormat.DEFAULT.builder().setRecordSeparator("\n").get())) {
            csv.printRecord(columns);
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
                    csv.printRecord(out);
                }
            };
            score(run -> parser.forEachChunk(in, run),
                    parallel ? scorer.start(classifier, counted, sink) : scorer.startInline(classifier, counted, sink));
        }
    }
}
