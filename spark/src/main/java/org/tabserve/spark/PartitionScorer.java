package org.tabserve.spark;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Supplier;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.tabserve.model.Model;
import org.tabserve.model.answer.AnswerAssembler;
import org.tabserve.model.answer.ScoredRows;
import org.tabserve.model.answer.SentOrder;
import org.tabserve.model.conformal.RowUncertainty;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.FieldError;
import org.tabserve.model.signature.ModelException;
import org.tabserve.rows.read.CellRows;

/**
 * Scores one partition's rows in batches with the JVM's one session of the model ({@link ModelCache}): each batch's
 * cells are the model's input columns as Spark gives them, scored by the model core ({@link CellRows}) with the
 * assembler every answer comes from ({@link AnswerAssembler}); each row comes back with its columns, its answer and its
 * errors.
 */
final class PartitionScorer implements MapPartitionsFunction<Row, Row> {

    private static final long serialVersionUID = 1L;

    private final Broadcast<byte[]> bytes;
    private final String sha256;
    private final String fileName;
    private final int[] inputColumns;
    private final int batchSize;
    private final Double coverage;
    private final boolean failOnError;
    private final ResultColumns columns;
    private final boolean sessionPerPartition;
    private final boolean explain;
    private final NumberRows numbers;
    private final boolean[] textBytes;

    /**
     * @param inputColumns for each of the model's features, in its order, the index of the row's column holding it
     * @param coverage     the coverage each answer's uncertainty is made for, or null for none
     * @param numbers      the reader of a batch's plain numbers when the model and the columns allow, else null
     * @param textBytes    for each of the model's features, whether its column comes as its text's UTF-8 bytes
     *                     ({@link TextBytes})
     */
    PartitionScorer(
            Broadcast<byte[]> bytes,
            String sha256,
            String fileName,
            int[] inputColumns,
            int batchSize,
            Double coverage,
            boolean failOnError,
            ResultColumns columns,
            boolean sessionPerPartition,
            boolean explain,
            NumberRows numbers,
            boolean[] textBytes) {
        this.bytes = bytes;
        this.sha256 = sha256;
        this.fileName = fileName;
        this.inputColumns = inputColumns;
        this.batchSize = batchSize;
        this.coverage = coverage;
        this.failOnError = failOnError;
        this.columns = columns;
        this.sessionPerPartition = sessionPerPartition;
        this.explain = explain;
        this.numbers = numbers;
        this.textBytes = textBytes;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        Model model = sessionPerPartition
                ? ModelCache.unshared(sha256, fileName, bytes.value())
                : ModelCache.model(sha256, fileName, bytes::value);
        // The assembler the commands use, with what the job asked of every batch: no hook, a Spark job owes no server.
        AnswerAssembler scoring = AnswerAssembler.of(() -> model)
                .covering(
                        coverage == null ? null : RowUncertainty.at(model.card().conformal(), coverage))
                .explaining(explain ? AnswerAssembler.Explaining.of(ModelCache.explainer(sha256, model)) : null, true)
                .build();
        return new Iterator<>() {
            private List<Row> scored = List.of();
            private int next;
            private boolean closed;

            @Override
            public boolean hasNext() {
                while (next == scored.size() && rows.hasNext()) {
                    scored = score(scoring, rows);
                    next = 0;
                }
                boolean more = next < scored.size();
                if (!more && sessionPerPartition && !closed) {
                    closed = true;
                    closeUnshared(model);
                }
                return more;
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return scored.get(next++);
            }
        };
    }

    private static void closeUnshared(Model model) {
        try {
            model.close();
        } catch (Exception e) {
            throw new IllegalStateException("cannot close the partition's session", e);
        }
    }

    /** Scores the next batch of {@code rows}. */
    private List<Row> score(AnswerAssembler scoring, Iterator<Row> rows) {
        List<Row> batch = new ArrayList<>(batchSize);
        while (batch.size() < batchSize && rows.hasNext()) {
            batch.add(rows.next());
        }
        ScoredCells result = numbers == null ? null : scoreNumbers(scoring, batch);
        if (result == null) {
            result = scoreCells(scoring, batch);
        }
        ScoredRows scored = result.scored();
        List<Row> out = new ArrayList<>(batch.size());
        for (int r = 0; r < batch.size(); r++) {
            int kept = result.order().scoredAt(r);
            if (kept != SentOrder.REFUSED) {
                out.add(new ScoredRow(batch.get(r), RowFactory.create(columns.answer(scored.row(kept))), null));
            } else {
                List<FieldError> errors = result.errors().get(r);
                if (failOnError) {
                    throw new IllegalArgumentException("a row the model cannot score: " + errors);
                }
                out.add(new ScoredRow(batch.get(r), null, ResultColumns.errors(errors)));
            }
        }
        return out;
    }

    /**
     * The batch's cells as Spark gives them, each taken as the server takes JSON's ({@link CellRows}), read column by
     * column with no array per row.
     */
    private ScoredCells scoreCells(AnswerAssembler scoring, List<Row> batch) {
        Object[][] cells = new Object[inputColumns.length][];
        for (int f = 0; f < inputColumns.length; f++) {
            int column = inputColumns[f];
            boolean bytes = textBytes[f];
            Object[] feature = new Object[batch.size()];
            for (int r = 0; r < feature.length; r++) {
                Object cell = batch.get(r).get(column);
                // Spark's own decoding of its text (UTF8String.toString)
                feature[r] = bytes && cell != null ? new String((byte[]) cell, StandardCharsets.UTF_8) : cell;
            }
            cells[f] = feature;
        }
        CellRows.Checked checked = CellRows.checkColumns(scoring.model().signature(), cells);
        return ScoredCells.score(checked, scoring);
    }

    /**
     * The batch as plain numbers packed straight into the model's input ({@link NumberRows}), every row kept; null
     * when a row has a missing or bad value, which the typed cells then name in that row's errors.
     */
    private ScoredCells scoreNumbers(AnswerAssembler scoring, List<Row> batch) {
        double[][] values = numbers.read(batch);
        if (values == null) {
            return null;
        }
        return allKept(
                scoring, batch.size(), () -> Batch.ofNumbers(scoring.model().signature(), values));
    }

    /**
     * @param rows the batch, checked by the model core
     * @return the batch scored, every row kept; null when the model refuses a row, which the typed cells then name
     */
    private static ScoredCells allKept(AnswerAssembler scoring, int size, Supplier<Batch> rows) {
        Batch checked;
        try {
            checked = rows.get();
        } catch (ModelException e) {
            if (e.kind() == ModelException.Kind.INVALID_INPUT) {
                return null;
            }
            throw e;
        }
        return new ScoredCells(scoring.score(checked), SentOrder.allScored(size), Collections.nCopies(size, List.of()));
    }
}
