package org.tabserve.rows.read;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tabserve.model.answer.ChunkRows;
import org.tabserve.model.card.ModelCard;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.FieldError;
import org.tabserve.model.signature.RangeWarning;
import org.tabserve.rows.answerjson.PredictionJson;
import org.tabserve.rows.field.FieldProblem;
import org.tabserve.rows.field.OnError;
import org.tabserve.rows.field.RowPlace;
import org.tabserve.rows.field.RowWarnings;

/**
 * One chunk of checked rows, ready for the model, as every {@link RowsReader} hands them on whatever the format it
 * read, so that scoring ({@link org.tabserve.model.answer.ChunkScorer}) and the answers' writers need not know the
 * format.
 *
 * @param columns the input's columns, in their order (a CSV's header, a JSON Lines file's first object's keys)
 * @param records the rows' cells as the input wrote them, one per column, for echoing input columns (empty when the
 *                caller asked for none)
 * @param batch   the rows, checked against the model's signature (with {@link OnError#ROW}: the good rows only,
 *                possibly none)
 * @param numbers the rows as read, in the model's feature order, on the numbers-only path; otherwise null
 * @param cells   the rows as read, in the model's feature order, on the typed path; otherwise null
 * @param places  with {@link OnError#ROW}: every row of the chunk in input order, each at its row of the batch or
 *                refused with its problems; null when a bad row refuses the input ({@link OnError#REJECT})
 */
public record RowChunk(
        List<String> columns,
        List<List<String>> records,
        Batch batch,
        double[][] numbers,
        List<Object[]> cells,
        List<RowPlace> places)
        implements ChunkRows<RowChunk> {

    /** @return the rows of the batch (with {@link OnError#ROW}, the good rows only) */
    @Override
    public int size() {
        return batch.size();
    }

    /** @return whether the chunk was read with {@link OnError#ROW}, its bad rows answered in their place */
    @Override
    public boolean refusesInPlace() {
        return places != null;
    }

    /** @return every row of the chunk, good or bad */
    public int rowCount() {
        return places == null ? batch.size() : places.size();
    }

    /**
     * @return the cell of an echoed row (records were asked for) in the named column, as the input wrote it, or
     *         null when the input has no such column
     */
    public String cell(int row, String column) {
        int at = columns.indexOf(column);
        return at < 0 ? null : records.get(row).get(at);
    }

    /**
     * The range and unknown-category warnings of a row, from the values as read (not as the model's floats hold
     * them, which would warn about values at the very ends of the training range).
     */
    public List<RangeWarning> warnings(ModelCard card, int row) {
        return numbers != null
                ? RowWarnings.warnings(card, batch, row, numbers[row])
                : RowWarnings.warnings(card, batch, row, cells.get(row));
    }

    /** {@link #warnings(ModelCard, int)} with the card's ranges looked up once per answer. */
    public List<RangeWarning> warnings(PredictionJson.Rows rows, int row) {
        return numbers != null ? rows.warnings(batch, row, numbers[row]) : rows.warnings(batch, row, cells.get(row));
    }

    /**
     * Row mode: this chunk with the rows of its batch that the model refused once it computed them
     * ({@link org.tabserve.model.signature.ModelException#refusedRows}) moved out of the batch, each refused in its place with its errors (told in the
     * file's row numbers).
     *
     * @param refused the batch's refused rows, by their index in it
     * @throws IllegalStateException outside row mode, where a refusal is the whole input's
     */
    @Override
    public RowChunk refusing(Map<Integer, List<FieldError>> refused) {
        if (places == null) {
            throw new IllegalStateException("only a chunk read with on_error=row refuses rows in their place");
        }
        int[] kept = java.util.stream.IntStream.range(0, batch.size())
                .filter(r -> !refused.containsKey(r))
                .toArray();
        int[] moved = new int[batch.size()];
        java.util.Arrays.fill(moved, -1);
        for (int i = 0; i < kept.length; i++) {
            moved[kept[i]] = i;
        }
        List<RowPlace> placed = new ArrayList<>(places.size());
        for (RowPlace place : places) {
            List<FieldError> errors = place.isScored() ? refused.get(place.batchRow()) : null;
            if (!place.isScored()) {
                placed.add(place);
            } else if (errors == null) {
                placed.add(RowPlace.scored(place.number(), moved[place.batchRow()]));
            } else {
                List<FieldProblem> problems = new ArrayList<>(errors.size());
                for (FieldError error : errors) {
                    problems.add(new FieldProblem(error.field(), error.message(), Math.toIntExact(place.number())));
                }
                placed.add(RowPlace.refused(
                        place.number(), problems, records.isEmpty() ? null : records.get(place.batchRow())));
            }
        }
        return new RowChunk(
                columns,
                records.isEmpty() ? records : GoodRows.pick(records, kept),
                batch.rows(kept),
                numbers == null ? null : GoodRows.pick(List.of(numbers), kept).toArray(double[][]::new),
                cells == null ? null : GoodRows.pick(cells, kept),
                placed);
    }
}
