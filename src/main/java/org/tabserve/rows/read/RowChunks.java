package org.tabserve.rows.read;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.FieldError;
import org.tabserve.model.signature.ModelException;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.rows.field.FieldProblem;
import org.tabserve.rows.field.OnError;
import org.tabserve.rows.field.RowPlace;

/**
 * The chunks of a {@link RowPass}: the rows read since the last chunk, with each row's upload row number, made a
 * checked batch once a chunk's worth and handed on while the input has no problem, or, with {@link OnError#ROW}, the
 * good rows with every row's place ({@link ChunkPlaces}, {@link GoodRows}).
 */
final class RowChunks {

    private final ModelSignature signature;
    private final boolean numbersOnly;
    private final List<String> columnNames;
    private final RowsReader.ChunkHandler handler;
    private final boolean withRecords;
    private final long maxErrorRows;
    /** The pass's problems, which refuse the input (not in row mode). */
    private final RowProblems errors;
    /** Row mode: the chunk's rows in file order, and the row being read's problems; null otherwise. */
    private final ChunkPlaces places;
    /** Row mode: rows refused in their place, and the most characters one held. */
    private long refused;

    private long longestRefused;
    private final List<List<String>> records = new ArrayList<>();
    private final List<double[]> numbers;
    private final List<Object[]> cells;
    /** The upload's row number of each row of the chunk (rows of the wrong length are left out of it). */
    private final int[] rowNumbers = new int[RowsReader.CHUNK_ROWS];
    /** Per row of the chunk, the fields already reported as unreadable (sent to the batch as missing), or null. */
    private final List<java.util.Set<String>> unreadable = new ArrayList<>();

    /**
     * @param handler      receives the checked chunks while the file has no errors; null to only check it
     * @param withRecords  whether chunks carry their rows' CSV records
     * @param errors       the pass's problems
     * @param places       in row mode, the chunk's rows' places; null to refuse an input with a bad row
     * @param maxErrorRows in row mode, the most rows answered in their place ({@link OnError#requireAtMost})
     */
    RowChunks(
            ModelSignature signature,
            List<String> columnNames,
            RowsReader.ChunkHandler handler,
            boolean withRecords,
            RowProblems errors,
            ChunkPlaces places,
            long maxErrorRows) {
        this.signature = signature;
        this.numbersOnly = signature.numbersOnly();
        this.columnNames = columnNames;
        this.handler = handler;
        this.withRecords = withRecords;
        this.errors = errors;
        this.places = places;
        this.maxErrorRows = maxErrorRows;
        // A chunk's size at once: growing them showed in the upload's profile (bench/profile csv).
        this.numbers = new ArrayList<>(numbersOnly ? RowsReader.CHUNK_ROWS : 0);
        this.cells = new ArrayList<>(numbersOnly ? 0 : RowsReader.CHUNK_ROWS);
    }

    /** @return the rows the chunk holds */
    int size() {
        return numbersOnly ? numbers.size() : cells.size();
    }

    /** @return whether the chunk's rows are handed on: there is a handler and the input has no problem so far */
    boolean wanted() {
        return handler != null && !errors.any();
    }

    /** Adds a row read on the numbers-only path, the upload's row {@code rowNumber}. */
    void addNumbers(double[] row, int rowNumber) {
        rowNumbers[numbers.size()] = rowNumber;
        numbers.add(row);
    }

    /**
     * Adds a row read on the typed path, the upload's row {@code rowNumber}.
     *
     * @param unread the fields already reported as unreadable (sent to the batch as missing), or null
     */
    void addCells(Object[] row, java.util.Set<String> unread, int rowNumber) {
        rowNumbers[cells.size()] = rowNumber;
        cells.add(row);
        unreadable.add(unread);
    }

    /** Adds the CSV record of the row just added. */
    void addRecord(List<String> record) {
        records.add(record);
    }

    /**
     * Makes the chunk a batch: on the typed path the batch checks it (every file's rows are checked, however
     * many were wrong before); a row's errors are told in the upload's row numbers. Hands it on while the
     * upload has no errors.
     */
    void flush() throws IOException {
        if (places != null) {
            flushPlaced();
            return;
        }
        if (size() == 0) {
            return;
        }
        boolean wanted = handler != null && !errors.any();
        Batch batch = null;
        double[][] plain = null;
        if (numbersOnly) {
            if (wanted) {
                plain = numbers.toArray(double[][]::new);
                double[][] rows = plain;
                batch = batch(() -> Batch.ofNumbers(signature, rows));
            }
        } else {
            batch = batch(() -> Batch.of(signature, cells));
        }
        if (wanted && !errors.any()) { // the batch itself may have found errors
            handler.accept(new RowChunk(
                    columnNames,
                    withRecords ? List.copyOf(records) : List.of(),
                    batch,
                    plain,
                    numbersOnly ? null : List.copyOf(cells),
                    null));
        }
        clear();
    }

    private void clear() {
        records.clear();
        numbers.clear();
        cells.clear();
        unreadable.clear();
    }

    /**
     * Row mode: makes the chunk's good rows a batch and hands it on with every row's place. The rows read whole are
     * checked together first (one with an unreadable cell too, so that what else is wrong with it is told); the
     * rows with a problem are then left out and the rest made a batch again.
     */
    private void flushPlaced() throws IOException {
        if (places.size() == 0) {
            return;
        }
        int n = size();
        boolean[] faulty = new boolean[n];
        for (int c = 0; c < n; c++) {
            faulty[c] = places.hasProblems(c);
        }
        GoodRows.Checked checked = numbersOnly
                ? GoodRows.check(
                        numbers,
                        faulty,
                        true,
                        rows -> Batch.ofNumbers(signature, rows.toArray(double[][]::new)),
                        this::refusedByModel)
                : GoodRows.check(cells, faulty, true, rows -> Batch.of(signature, rows), this::refusedByModel);
        int[] attempt = checked.kept();
        // A chunk of bad rows alone still has its (empty) batch, which the answer writers skip.
        Batch batch = checked.batch() != null
                ? checked.batch()
                : numbersOnly ? Batch.ofNumbers(signature, new double[0][]) : Batch.of(signature, List.of());
        int[] batchRow = new int[n];
        java.util.Arrays.fill(batchRow, -1);
        for (int i = 0; i < attempt.length; i++) {
            batchRow[attempt[i]] = i;
        }
        List<List<String>> candidates = records;
        List<RowPlace> placed = places.places(batchRow, c -> withRecords ? candidates.get(c) : null);
        for (RowPlace place : placed) {
            if (!place.isScored()) {
                refused++;
                longestRefused = Math.max(longestRefused, place.heldBytes());
            }
        }
        OnError.requireAtMost(refused, maxErrorRows);
        if (handler != null) {
            int[] kept = attempt;
            handler.accept(new RowChunk(
                    columnNames,
                    withRecords ? GoodRows.pick(records, kept) : List.of(),
                    batch,
                    numbersOnly ? GoodRows.pick(numbers, kept).toArray(double[][]::new) : null,
                    numbersOnly ? null : GoodRows.pick(cells, kept),
                    placed));
        }
        clear();
    }

    /** A problem the model's check found in candidate row {@code c}, unless it was told where its cell was read. */
    private void refusedByModel(int c, FieldError error) {
        if (!numbersOnly && unreadable.get(c) != null && unreadable.get(c).contains(error.field())) {
            return; // reported where it was read
        }
        places.problem(c, new FieldProblem(error.field(), error.message(), rowNumbers[c]));
    }

    /** @return row mode: the rows refused in their place so far */
    long refused() {
        return refused;
    }

    /** @return row mode: the most heap a refused row's place holds ({@link RowPlace#heldBytes}) */
    long longestRefused() {
        return longestRefused;
    }

    private Batch batch(java.util.function.Supplier<Batch> make) {
        try {
            return make.get();
        } catch (ModelException e) {
            if (e.kind() != ModelException.Kind.INVALID_INPUT) {
                throw e;
            }
            for (FieldError error : e.fieldErrors()) {
                if (!numbersOnly
                        && unreadable.get(error.row()) != null
                        && unreadable.get(error.row()).contains(error.field())) {
                    continue; // reported where it was read
                }
                errors.add(new FieldProblem(error.field(), error.message(), rowNumbers[error.row()]));
            }
            return null;
        }
    }
}
