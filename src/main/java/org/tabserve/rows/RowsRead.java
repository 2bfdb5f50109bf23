package org.tabserve.rows;

import org.tabserve.model.Batch;
import org.tabserve.model.Feature;
import org.tabserve.model.FieldError;
import org.tabserve.model.ModelException;
import org.tabserve.model.ModelSignature;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * The rows a JSON reader ({@link JsonRowsParser}, MLflow's) has read so far, the problems found in them, and which
 * rows those problems spoil, checked at the end into one {@link Batch} or one refusal listing every problem. A
 * request's rows are
 * either all boxed cells ({@link #add(Object[])}) or, for a numbers-only model, all plain doubles
 * ({@link #add(double[])}): the latter box nothing and go to {@link Batch#ofNumbers} as they are.
 */
public final class RowsRead {

    private final List<Object[]> cells = new ArrayList<>();
    private final List<double[]> numbers = new ArrayList<>();
    private final List<FieldProblem> errors = new ArrayList<>();
    private final BitSet spoilt = new BitSet();
    /** Whether the rows are plain doubles ({@link #add(double[])}) rather than boxed cells. */
    private final boolean plain;
    private final ModelSignature signature;
    private final List<Feature> features;
    private final boolean numbersOnly;

    /**
     * @param plain       whether the rows are plain doubles rather than boxed cells
     * @param numbersOnly whether boxed rows hold only doubles too (every feature a float or double that may not be
     *                    missing), so that they are checked as plain numbers
     */
    RowsRead(ModelSignature signature, boolean plain, boolean numbersOnly) {
        this.signature = signature;
        this.features = signature.features();
        this.plain = plain;
        this.numbersOnly = numbersOnly;
    }

    public void add(Object[] row) {
        cells.add(row);
    }

    /** Adds a row of plain doubles (a numbers-only model only; NaN marks a feature not given). */
    public void add(double[] row) {
        numbers.add(row);
    }

    public int size() {
        return cells.size() + numbers.size();
    }

    /** @return the boxed rows, or null when the rows are plain doubles */
    List<Object[]> cells() {
        return plain ? null : cells;
    }

    /** @return the rows as plain doubles, or null when they are boxed cells */
    double[][] numbers() {
        return plain ? numbers.toArray(new double[0][]) : null;
    }

    /** Records a problem; it spoils its row (a lone row's problem, with no row number, spoils row 0). */
    public void error(FieldProblem problem) {
        errors.add(problem);
        spoilt.set(problem.row() == null ? 0 : problem.row());
    }

    /** Names each feature a named row has not given. */
    public void requireAll(Object[] row, Integer at) {
        for (int i = 0; i < row.length; i++) {
            if (row[i] == JsonCells.ABSENT) {
                missing(i, at);
            }
        }
    }

    /** Names each feature a named row of plain doubles has not given (NaN there). */
    void requireAll(double[] row, Integer at) {
        for (int i = 0; i < row.length; i++) {
            if (Double.isNaN(row[i])) {
                missing(i, at);
            }
        }
    }

    private void missing(int feature, Integer at) {
        String name = features.get(feature).name();
        error(new FieldProblem(name, "missing value for feature '" + name + "'", at));
    }

    /**
     * Checks the rows the reader found no fault in against the signature, so that one answer lists every
     * problem: the reader's, then the model's (each with its row in this request).
     *
     * @param numbered whether errors name their rows (a batch) or not (a lone row)
     * @throws RowsException a 400 listing every problem
     */
    Batch check(boolean numbered) {
        int[] at = null;
        if (!spoilt.isEmpty()) {
            at = new int[size()];
        }
        Batch checked = null;
        try {
            checked = plain ? Batch.ofNumbers(signature, whole(numbers, at).toArray(new double[0][]))
                    : batchOf(whole(cells, at));
        } catch (ModelException e) {
            if (e.kind() != ModelException.Kind.INVALID_INPUT) {
                throw e;
            }
            for (FieldError f : e.fieldErrors()) {
                int row = at == null ? f.row() : at[f.row()];
                errors.add(new FieldProblem(f.field(), f.message(), numbered ? row : null));
            }
        }
        if (!errors.isEmpty()) {
            throw RowsException.invalidFields(errors);
        }
        return checked;
    }

    /**
     * {@link #check(boolean)} for a batch sent as the array {@code field}: an empty one is a 400, as on every
     * route (v2's shape [0, n], a CSV with a header only), since there is nothing to predict and an empty answer
     * would hide the mistake.
     */
    public Batch checkBatch(String field) {
        if (size() == 0) {
            throw RowsException.malformed("\"" + field + "\" has no rows; send at least one");
        }
        return check(true);
    }

    /** The rows no problem spoilt, each one's place in the request noted in {@code at} (when some are spoilt). */
    private <R> List<R> whole(List<R> rows, int[] at) {
        if (at == null) {
            return rows;
        }
        List<R> whole = new ArrayList<>();
        for (int r = 0; r < rows.size(); r++) {
            if (!spoilt.get(r)) {
                at[whole.size()] = r;
                whole.add(rows.get(r));
            }
        }
        return whole;
    }

    private Batch batchOf(List<Object[]> rows) {
        if (!numbersOnly) {
            return Batch.of(signature, rows);
        }
        double[][] numbers = new double[rows.size()][];
        for (int r = 0; r < numbers.length; r++) {
            Object[] cells = rows.get(r);
            double[] row = new double[cells.length];
            for (int i = 0; i < row.length; i++) {
                row[i] = (Double) cells[i];
            }
            numbers[r] = row;
        }
        return Batch.ofNumbers(signature, numbers);
    }
}
