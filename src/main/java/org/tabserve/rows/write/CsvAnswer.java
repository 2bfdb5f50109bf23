package org.tabserve.rows.write;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.tabserve.model.answer.AnswerColumn;
import org.tabserve.model.answer.AnswerField;
import org.tabserve.model.answer.AnswerShape;
import org.tabserve.model.answer.AnswerSource;
import org.tabserve.model.answer.AnsweredRow;
import org.tabserve.model.answer.AnsweredRows;
import org.tabserve.model.answer.ChunkAnswers;
import org.tabserve.model.answer.FieldValue;
import org.tabserve.model.signature.Feature;
import org.tabserve.model.signature.Prediction;
import org.tabserve.model.signature.PredictionColumns;
import org.tabserve.rows.field.OnError;
import org.tabserve.rows.field.RowPlace;
import org.tabserve.rows.read.RowChunk;

/**
 * The answer to a file of rows, as a table: the input columns, then a classifier's label and one probability per
 * class, or a regressor's value; with {@link OnError#ROW}, a last column {@value #ERROR_COLUMN}, empty for a scored
 * row and, for a bad row (whose answer columns are empty), its problems as {@code field: message; field: message}.
 * An input column with an answer column's name (a file scored before) is written as {@code NAME_input}
 * ({@link RowsWriter#inputNames}).
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
    public static final String ERROR_COLUMN = AnswerField.ERROR_COLUMN;

    /**
     * The rows of the answer as scored: hands each chunk read, with its answers, to the sink in upload order (the
     * model's chunk scorer fed the reader's chunks, {@link org.tabserve.model.answer.ChunkScorer.Run#score}).
     */
    public interface Scores {
        void into(ChunkAnswers<RowChunk> sink) throws IOException;
    }

    private CsvAnswer() {}

    /**
     * Heap a chunk's probabilities hold as text ({@link ProbabilityTexts}) per row of a model of {@code classes}
     * classes, at most: a string of up to 24 characters a number, and the array's reference.
     */
    public static long probabilityTextBytes(int classes) {
        return classes * (8L + 24 + 16 + 24);
    }

    /**
     * Writes the answer to {@code writer} and closes it, as {@code scores} hands on the chunks read with their
     * answers. When each row is answered with its uncertainty ({@link AnswerShape#covered()}), its columns follow the
     * answer's: a regressor's {@code lower}, {@code upper}, a classifier's {@code prediction_set} (the labels, joined
     * by {@value AnswerField#SET_SEPARATOR}), then {@code coverage}, and {@code novelty_p_value}, {@code novel} where
     * the card can tell. A CSV answer of a classifier's probabilities, scored on a pool, has the pool write them as
     * text for the {@code ahead} chunks after the one being written, while this thread writes it
     * ({@link ChunkAnswers.Preparing}): the same text, {@link Double#toString(double)}'s, on another core. The caller
     * has reserved ({@code ahead} + 1) chunks' {@link #probabilityTextBytes}.
     *
     * @param inputs  the model's inputs
     * @param inPlace whether bad rows are answered in their place ({@link OnError#ROW})
     * @param ahead   chunks prepared ahead at most; 0 for none (every number written here as it goes, as it must be
     *                when the chunks are scored on this thread)
     */
    public static void write(
            RowsWriter writer,
            AnswerShape shape,
            List<Feature> inputs,
            AnswerSource source,
            List<String> header,
            RowListener listener,
            boolean inPlace,
            int ahead,
            Scores scores)
            throws IOException {
        List<AnswerColumn> columns = AnswerColumn.tableColumns(shape, inPlace);
        int answerColumns = inPlace ? columns.size() - 1 : columns.size();
        try (RowsWriter out = writer) {
            out.inputs(inputs);
            out.columns(RowsWriter.inputNames(header, columns), columns, source);
            List<Object> answer = new ArrayList<>();
            // Arrow writes a table of the predictions' columns alone column by column
            boolean predictionsOnly = columns.stream()
                    .allMatch(c -> c.field() == AnswerField.LABEL
                            || c.field() == AnswerField.PROBABILITIES
                            || c.field() == AnswerField.VALUE);
            ProbabilitySink sink = (chunk, scored, texts) -> {
                List<Prediction> predictions = scored.predictions();
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
                            cells(answer, shape, scored, place.batchRow(), true);
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
                if (predictionsOnly
                        && out instanceof ArrowRowsWriter arrow
                        && !chunk.records().isEmpty()) {
                    arrow.rows(chunk.records(), predictions); // column by column
                    return;
                }
                for (int r = 0; r < chunk.size(); r++) {
                    answer.clear();
                    cells(answer, shape, scored, r, false);
                    if (texts != null) {
                        texts.put(answer, r);
                    }
                    out.row(chunk.records().get(r), answer);
                }
            };
            ChunkAnswers<RowChunk> chosen = ahead > 0 && !inPlace && out instanceof CsvRowsWriter && shape.classifies()
                    ? new ProbabilityTexts(sink, ahead)
                    : (chunk, scored) -> sink.accept(chunk, scored, null);
            scores.into(chosen);
        }
    }

    /** Writes a scored chunk's rows, with its probabilities' texts when the pool wrote them (else null). */
    private interface ProbabilitySink {
        void accept(RowChunk chunk, AnsweredRows scored, ProbabilityTexts.Chunk texts) throws IOException;
    }

    /**
     * The probabilities of a chunk's rows as {@link Double#toString(double)} writes them, which is what
     * {@link CsvRowsWriter} prints for a number, made on the scoring pool ahead of the chunk's turn.
     */
    private static final class ProbabilityTexts implements ChunkAnswers.Preparing<RowChunk, ProbabilityTexts.Chunk> {

        /** One chunk's texts: {@code classes} per row, null for a row not held in columns or a number not finite. */
        record Chunk(String[] texts, int classes) {
            /** Puts row {@code row}'s texts in place of its probabilities among {@code answer}'s cells. */
            void put(List<Object> answer, int row) {
                // the probabilities follow the label, the answer's first cell (AnswerField's order)
                for (int c = 0; c < classes; c++) {
                    String text = texts[row * classes + c];
                    if (text != null) {
                        answer.set(1 + c, text);
                    }
                }
            }
        }

        private final ProbabilitySink sink;
        private final int ahead;

        ProbabilityTexts(ProbabilitySink sink, int ahead) {
            this.sink = sink;
            this.ahead = ahead;
        }

        @Override
        public Chunk prepare(RowChunk chunk, List<Prediction> predictions) {
            PredictionColumns columns = PredictionColumns.of(predictions);
            if (columns == null || !columns.classifies()) {
                return null;
            }
            int classes = columns.classCount();
            String[] texts = new String[predictions.size() * classes];
            for (int r = 0; r < predictions.size(); r++) {
                if (columns.answered(r)) {
                    for (int c = 0; c < classes; c++) {
                        double p = columns.probability(r, c);
                        texts[r * classes + c] = Double.isFinite(p) ? Double.toString(p) : null;
                    }
                }
            }
            return new Chunk(texts, classes);
        }

        @Override
        public void accept(RowChunk chunk, AnsweredRows scored, Chunk prepared) throws IOException {
            sink.accept(chunk, scored, prepared);
        }

        @Override
        public int ahead() {
            return ahead;
        }
    }

    /**
     * A scored row's answer cells, one per column of each present field ({@link AnswerColumn#tableColumns}), in the
     * described order: a classifier's label and probabilities (read from the predictions' columns when they are held
     * so) or a regressor's value, then every other field's cells from its value ({@link AnswerColumn#cell}): when a
     * coverage was asked for, the interval's ends or the prediction set (its labels joined by
     * {@value AnswerField#SET_SEPARATOR}), the coverage and the novelty; an empty error cell last when bad rows are
     * answered in place.
     *
     * @param scored  the rows as scored
     * @param row     which of them
     * @param inPlace whether bad rows are answered in place, so that the row ends with an empty error cell
     */
    static void cells(List<Object> out, AnswerShape shape, AnsweredRows scored, int row, boolean inPlace) {
        PredictionColumns columns = PredictionColumns.of(scored.predictions());
        boolean held = columns != null && columns.answered(row); // read from the columns, no Prediction made
        cells(out, shape, held ? columns : null, row, () -> scored.row(row), inPlace);
    }

    /** {@link #cells(List, AnswerShape, AnsweredRows, int, boolean)} of one row as scored. */
    public static void cells(List<Object> out, AnswerShape shape, AnsweredRow.Scored row, boolean inPlace) {
        cells(out, shape, null, 0, () -> row, inPlace);
    }

    /**
     * @param held     the predictions' columns, where the row's label, probabilities or value are read from them
     * @param answered the row as scored, asked for the fields not read from the columns
     */
    private static void cells(
            List<Object> out,
            AnswerShape shape,
            PredictionColumns held,
            int row,
            Supplier<AnsweredRow.Scored> answered,
            boolean inPlace) {
        AnsweredRow.Scored scored = null; // asked once, for the first field not read from the columns
        for (AnswerField field : AnswerField.values()) {
            if (!field.present(shape, inPlace)) {
                continue;
            }
            if (held != null && field == AnswerField.LABEL) {
                out.add(held.classes().get(held.labelIndex(row)));
            } else if (held != null && field == AnswerField.PROBABILITIES) {
                for (int c = 0; c < held.classCount(); c++) {
                    out.add(held.probability(row, c));
                }
            } else if (held != null && field == AnswerField.VALUE) {
                out.add(held.value(row));
            } else {
                List<AnswerColumn> fieldColumns = AnswerColumn.columns(field, shape);
                // a scored row's error cell is empty; no columns for people and JSON's fields
                FieldValue value = null;
                if (field != AnswerField.ERRORS && !fieldColumns.isEmpty()) {
                    scored = scored == null ? answered.get() : scored;
                    value = field.value(scored);
                }
                for (AnswerColumn column : fieldColumns) {
                    out.add(column.cell(value));
                }
            }
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
