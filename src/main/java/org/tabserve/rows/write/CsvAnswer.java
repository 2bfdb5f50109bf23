package org.tabserve.rows.write;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.tabserve.model.Model;
import org.tabserve.model.Prediction;
import org.tabserve.model.PredictionColumns;
import org.tabserve.model.Uncertainty;
import org.tabserve.model.answer.BatchScoring;
import org.tabserve.rows.answer.CoverageField;
import org.tabserve.rows.answer.UncertaintyJson;
import org.tabserve.rows.field.OnError;
import org.tabserve.rows.field.RowPlace;
import org.tabserve.rows.read.RowChunk;
import org.tabserve.rows.read.RowsReader;

/**
 * The answer to a file of rows, as a table: the input columns, then a classifier's label and one probability per
 * class, or a regressor's value; with {@link OnError#ROW}, a last column {@value #ERROR_COLUMN}, empty for a scored
 * row and, for a bad row (whose answer columns are empty), its problems as {@code field: message; field: message}.
 * One answer for {@code /predict_file} with {@code Accept: text/csv}, the upload page's download and the
 * {@code score} command, written in any format's {@link RowsWriter} (CSV, JSON Lines); it uses no servlet class, so
 * the command line can run it without a container.
 */
public final class CsvAnswer {

    /** Sees each scored row as it is written, for the HTML page's preview. */
    public interface RowListener {
        /** Sees nothing: an answer written with it makes no prediction object per row for it. */
        RowListener NONE = (chunk, row, prediction) -> {};

        void accept(RowChunk chunk, int row, Prediction prediction);

        /** Sees a bad row, in its place among the scored ones ({@link OnError#ROW} only). */
        default void refused(RowPlace place) {}
    }

    /** The last column of an answer with {@link OnError#ROW}: empty for a scored row, a bad row's problems. */
    public static final String ERROR_COLUMN = "error";

    /** What joins a prediction set's labels in one cell. */
    public static final String SET_SEPARATOR = "|";

    /** Feeds the chunks of an upload to a scoring run. */
    public interface ChunkSource {
        void feed(ChunkScorer.Run run) throws IOException;
    }

    private CsvAnswer() {}

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
    public static void write(
            RowsWriter writer,
            BatchScoring scoring,
            ChunkScorer scorer,
            RowsReader parser,
            InputStream in,
            List<String> header,
            RowListener listener)
            throws IOException {
        write(writer, scoring, scorer, parser, in, header, listener, true);
    }

    /**
     * When the scoring answers each row's uncertainty ({@link BatchScoring#covers()}), its columns follow the
     * answer's: a regressor's {@code lower}, {@code upper}, a classifier's {@code prediction_set} (the labels, joined
     * by {@value #SET_SEPARATOR}), then {@code coverage}, and {@code novelty_p_value}, {@code novel} where the card can
     * tell.
     *
     * @param parallel whether chunks are scored on the scorer's pool or one by one on this thread
     */
    public static void write(
            RowsWriter writer,
            BatchScoring scoring,
            ChunkScorer scorer,
            RowsReader parser,
            InputStream in,
            List<String> header,
            RowListener listener,
            boolean parallel)
            throws IOException {
        List<String> columns = new ArrayList<>(header);
        columns.addAll(answerColumns(scoring));
        boolean inPlace = parser.onError() == OnError.ROW;
        int answerColumns = columns.size() - header.size();
        if (inPlace) {
            columns.add(ERROR_COLUMN);
        }
        try (RowsWriter out = writer) {
            out.columns(columns);
            List<Object> answer = new ArrayList<>();
            ChunkScorer.Sink sink = (chunk, scored) -> {
                List<Prediction> predictions = scored.predictions();
                List<Uncertainty> uncertain = scored.uncertainties();
                if (inPlace) {
                    for (RowPlace place : listener == RowListener.NONE ? List.<RowPlace>of() : chunk.places()) {
                        if (place.isScored()) {
                            listener.accept(chunk, place.batchRow(), predictions.get(place.batchRow()));
                        } else {
                            listener.refused(place);
                        }
                    }
                    for (RowPlace place : chunk.places()) {
                        answer.clear();
                        if (place.isScored()) {
                            answer(answer, predictions, place.batchRow());
                            covered(answer, uncertain, place.batchRow());
                            answer.add("");
                            out.row(chunk.records().get(place.batchRow()), answer);
                        } else {
                            out.row(refusedCells(place, header.size()), refusedAnswer(answer, place, answerColumns));
                        }
                    }
                    return;
                }
                for (int r = 0; r < (listener == RowListener.NONE ? 0 : chunk.size()); r++) {
                    listener.accept(chunk, r, predictions.get(r));
                }
                if (uncertain == null
                        && out instanceof ArrowRowsWriter arrow
                        && !chunk.records().isEmpty()) {
                    arrow.rows(chunk.records(), predictions); // column by column
                    return;
                }
                for (int r = 0; r < chunk.size(); r++) {
                    answer.clear();
                    answer(answer, predictions, r);
                    covered(answer, uncertain, r);
                    out.row(chunk.records().get(r), answer);
                }
            };
            score(
                    run -> parser.forEachChunk(in, run),
                    parallel ? scorer.start(scoring, sink) : scorer.startInline(scoring, sink));
        }
    }

    /**
     * The answer's columns after the input's: a classifier's label and one probability per class, or a regressor's
     * value; then, when the scoring answers each row's uncertainty, its columns ({@link #write}).
     */
    static List<String> answerColumns(BatchScoring scoring) {
        Model classifier = scoring.model();
        List<String> columns = new ArrayList<>();
        boolean regressor = classifier.signature().task() == org.tabserve.model.Task.REGRESSION;
        if (regressor) {
            columns.add("value");
        } else {
            columns.add("label");
            classifier.signature().classLabels().forEach(c -> columns.add("probability_" + c));
        }
        if (scoring.covers()) {
            columns.addAll(regressor ? List.of("lower", "upper") : List.of(UncertaintyJson.PREDICTION_SET));
            columns.add(CoverageField.NAME);
            if (scoring.measuresNovelty()) {
                columns.addAll(List.of("novelty_p_value", "novel"));
            }
        }
        return columns;
    }

    /** A scored row's answer. */
    static void answer(List<Object> out, Prediction prediction) {
        if (prediction instanceof Prediction.Classification classification) {
            out.add(classification.label());
            out.addAll(classification.probabilities());
        } else {
            out.add(((Prediction.Regression) prediction).value());
        }
    }

    /** Row {@code row}'s answer, read from the predictions' columns when they are held so. */
    static void answer(List<Object> out, List<Prediction> predictions, int row) {
        PredictionColumns columns = PredictionColumns.of(predictions);
        if (columns == null || !columns.answered(row)) {
            answer(out, predictions.get(row));
        } else if (columns.classifies()) {
            out.add(columns.classes().get(columns.labelIndex(row)));
            for (int c = 0; c < columns.classCount(); c++) {
                out.add(columns.probability(row, c));
            }
        } else {
            out.add(columns.value(row));
        }
    }

    /** A scored row's uncertainty columns, when coverage was asked for. */
    static void covered(List<Object> out, List<Uncertainty> uncertain, int row) {
        if (uncertain == null) {
            return;
        }
        Uncertainty uncertainty = uncertain.get(row);
        if (uncertainty.interval() != null) {
            out.add(uncertainty.interval().lower());
            out.add(uncertainty.interval().upper());
        } else {
            out.add(String.join(SET_SEPARATOR, uncertainty.predictionSet()));
        }
        out.add(uncertainty.coverage());
        if (uncertainty.novelty() != null) {
            out.add(uncertainty.novelty().pValue());
            out.add(Boolean.toString(uncertainty.novelty().novel()));
        }
    }

    /** A bad row's input columns as the input wrote them (a row of the wrong length cut or padded to the header's). */
    private static List<String> refusedCells(RowPlace place, int width) {
        List<String> cells = place.cells() == null ? List.of() : place.cells();
        List<String> out = new ArrayList<>(width);
        for (int i = 0; i < width; i++) {
            out.add(i < cells.size() ? cells.get(i) : "");
        }
        return out;
    }

    /** A bad row's empty answer columns and its problems. */
    private static List<Object> refusedAnswer(List<Object> out, RowPlace place, int answerColumns) {
        for (int i = 0; i < answerColumns; i++) {
            out.add("");
        }
        out.add(place.problemsText());
        return out;
    }
}
