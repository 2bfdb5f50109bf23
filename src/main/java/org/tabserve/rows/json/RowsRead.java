package org.tabserve.rows.json;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.Feature;
import org.tabserve.model.signature.FieldError;
import org.tabserve.model.signature.ModelException;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.rows.field.FieldProblem;
import org.tabserve.rows.field.JsonText;
import org.tabserve.rows.field.OnError;
import org.tabserve.rows.field.RowWarnings;
import org.tabserve.rows.field.RowsException;
import org.tabserve.rows.read.GoodRows;

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
    /** The fields sent that the model does not take, in the order first met: ignored, and told once. */
    private final java.util.Set<String> ignored = new java.util.LinkedHashSet<>();
    /** Each text input sent a number, with the first such number's text: taken as text, and told once. */
    private final java.util.Map<String, String> numbersAsText = new java.util.LinkedHashMap<>();
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

    /**
     * Notes a field the model does not take: it is ignored (people send whole rows, and MLflow ignores such columns
     * too) and listed once in the answer's warnings ({@link #ignored()}).
     */
    public void ignore(String field) {
        ignored.add(field);
    }

    /** Notes a number sent for a text input and taken as {@code text}, to be told once in the answer's warnings. */
    void tookNumberAsText(String feature, String text) {
        numbersAsText.putIfAbsent(feature, text);
    }

    /** @return the fields sent that the model does not take, in the order first met */
    public List<String> ignored() {
        return List.copyOf(ignored);
    }

    /** Names each feature a named row has not given. */
    public void requireAll(Object[] row, Integer at) {
        for (int i = 0; i < row.length; i++) {
            if (row[i] == JsonCells.ABSENT) {
                missing(i, at);
            }
        }
    }

    /**
     * A 400 naming every feature whose column {@code columns} lacks (as MLflow's "Model is missing inputs" does), for
     * the readers of rows sent by column name.
     *
     * @param where how the caller names the list of columns, e.g. {@code "dataframe_split".columns}
     */
    public void requireColumns(java.util.Collection<String> columns, String where) {
        List<FieldProblem> missing = new ArrayList<>();
        java.util.Set<String> given = new java.util.HashSet<>(columns);
        for (String feature : signature.featureNames()) {
            if (!given.contains(feature)) {
                missing.add(new FieldProblem(
                        feature,
                        "missing column '" + feature + "': " + where + " has " + JsonText.quotedNames(columns)
                                + "; the model takes " + JsonText.quotedNames(signature.featureNames()),
                        null));
            }
        }
        if (!missing.isEmpty()) {
            throw RowsException.invalidFields(missing);
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
        // A misspelt name is both ignored and missing: say so where the missing one is named.
        String sent = ignored.isEmpty()
                ? ""
                : "; the fields the model does not take were ignored: " + RowsRead.quoted(ignored);
        error(new FieldProblem(name, "missing value for feature '" + name + "'" + sent, at));
    }

    /**
     * Names in quotes, comma-separated: {@code 'a', 'b'}; past {@link RowWarnings#NAMED_IGNORED} names the rest are
     * counted, since each row's error may say them (a body of thousands of unknown fields, rows lacking a feature).
     */
    public static String quoted(java.util.Collection<String> names) {
        StringBuilder text = new StringBuilder();
        int shown = 0;
        for (String name : names) {
            if (shown == RowWarnings.NAMED_IGNORED) {
                text.append(String.format(java.util.Locale.ROOT, ", … (%,d more)", names.size() - shown));
                break;
            }
            text.append(shown++ == 0 ? "" : ", ").append('\'').append(name).append('\'');
        }
        return text.toString();
    }

    /**
     * Checks every row against the signature, so that one answer lists every problem: the reader's, then the model's
     * (each with its row in this request). A row the reader found fault with is checked too, its unreadable cells
     * as missing, so that the model's problems with its other cells are named as well (issue 61: a row of three bad
     * cells left out its fourth); what the model says of a cell the reader named, or never got, is not said again.
     *
     * @param numbered whether errors name their rows (a batch) or not (a lone row)
     * @throws RowsException a 400 listing every problem
     */
    Batch check(boolean numbered) {
        List<java.util.Set<String>> told = told();
        Batch checked = null;
        try {
            checked = plain ? Batch.ofNumbers(signature, numbers.toArray(new double[0][])) : batchOf(checkable());
        } catch (ModelException e) {
            if (e.kind() != ModelException.Kind.INVALID_INPUT) {
                throw e;
            }
            GoodRows.Refusals refusals = GoodRows.untold(
                    told, (row, f) -> errors.add(new FieldProblem(f.field(), f.message(), numbered ? row : null)));
            for (FieldError f : e.fieldErrors()) {
                refusals.refused(f.row(), f);
            }
        }
        if (!errors.isEmpty()) {
            throw RowsException.invalidFields(errors);
        }
        return checked;
    }

    /**
     * For each row, the features a problem of the reader's already named or whose cells it never got (a row that is
     * not an object, an array too short, a feature not given: each told in the reader's own words); null for a row
     * the reader found no fault in.
     */
    private List<java.util.Set<String>> told() {
        if (errors.isEmpty()) {
            return java.util.Collections.nCopies(size(), null); // a request with nothing wrong: nothing allocated
        }
        List<java.util.Set<String>> told = new ArrayList<>(java.util.Collections.nCopies(size(), null));
        for (FieldProblem problem : errors) {
            int row = problem.row() == null ? 0 : problem.row();
            if (row < told.size()) {
                fieldsOf(told, row).add(problem.field());
            }
        }
        for (int row = spoilt.nextSetBit(0); row >= 0 && row < told.size(); row = spoilt.nextSetBit(row + 1)) {
            for (int i = 0; i < features.size(); i++) {
                if (plain ? Double.isNaN(numbers.get(row)[i]) : cells.get(row)[i] == JsonCells.ABSENT) {
                    fieldsOf(told, row).add(features.get(i).name());
                }
            }
        }
        return told;
    }

    private static java.util.Set<String> fieldsOf(List<java.util.Set<String>> told, int row) {
        if (told.get(row) == null) {
            told.set(row, new java.util.HashSet<>());
        }
        return told.get(row);
    }

    /** The boxed rows as the model's check takes them: a spoilt row's cells never got are missing there. */
    private List<Object[]> checkable() {
        if (spoilt.isEmpty()) {
            return cells;
        }
        List<Object[]> checkable = new ArrayList<>(cells);
        for (int row = spoilt.nextSetBit(0); row >= 0 && row < cells.size(); row = spoilt.nextSetBit(row + 1)) {
            Object[] given = cells.get(row).clone();
            for (int i = 0; i < given.length; i++) {
                given[i] = given[i] == JsonCells.ABSENT ? null : given[i];
            }
            checkable.set(row, given);
        }
        return checkable;
    }

    /**
     * {@link #check(boolean)} for a batch sent as the array {@code field}: an empty one is a 400, as on every
     * route (v2's shape [0, n], a CSV with a header only), since there is nothing to predict and an empty answer
     * would hide the mistake. The refusal of bad rows says how to have the others answered ({@link OnError#HINT}).
     */
    public Batch checkBatch(String field) {
        return checkBatch(field, OnError.REJECT, OnError.UNBOUNDED);
    }

    /**
     * {@link #checkBatch(String)} under the caller's choice. {@link OnError#REJECT} refuses the batch for one bad
     * row. {@link OnError#ROW} checks the rows no problem spoilt into the batch (again without any the model's own
     * check refuses, until what is left passes) and keeps every problem with its row ({@link #problems()}), the
     * batch's rows' places in the request in {@link #batchRows()}, and refuses a batch of more than
     * {@code maxErrorRows} bad rows, whose answer would be mostly their errors.
     *
     * @return the batch of the rows that can be scored; null in row mode when none can
     * @throws RowsException {@link RowsException.Kind#TOO_MANY_ERROR_ROWS} in row mode when more rows than
     *                       {@code maxErrorRows} are bad
     */
    public Batch checkBatch(String field, OnError onError, long maxErrorRows) {
        if (size() == 0) {
            throw RowsException.malformed("\"" + field + "\" has no rows; send at least one");
        }
        if (onError == OnError.REJECT) {
            try {
                return check(true);
            } catch (RowsException e) {
                throw RowsException.invalidFields(e.getMessage() + "; " + OnError.HINT, e.errors());
            }
        }
        boolean[] faulty = new boolean[size()];
        for (int r = 0; r < faulty.length; r++) {
            faulty[r] = spoilt.get(r);
        }
        // Every row is checked, a faulty one too (its other cells' problems named), each problem told once.
        GoodRows.Refusals refusals =
                GoodRows.untold(told(), (row, f) -> error(new FieldProblem(f.field(), f.message(), row)));
        GoodRows.Checked checked = plain
                ? GoodRows.check(
                        numbers,
                        faulty,
                        true,
                        rows -> Batch.ofNumbers(signature, rows.toArray(new double[0][])),
                        refusals)
                : GoodRows.check(checkable(), faulty, true, this::batchOf, refusals);
        batchRows = checked.kept();
        OnError.requireAtMost(size() - batchRows.length, maxErrorRows);
        return checked.batch();
    }

    /** Where each row of the batch {@link #checkBatch(String, OnError, long)} returned in row mode was in the request. */
    private int[] batchRows;

    /** @return in row mode, the request's row of each row of the checked batch; null otherwise */
    int[] batchRows() {
        return batchRows;
    }

    /**
     * What the request held, for its answer: the rows as sent, the checked batch and, for a batch, the bad rows of
     * row mode and the fields ignored.
     *
     * @param checked what {@link #check} or {@link #checkBatch(String, OnError, long)} returned
     */
    public JsonRowsParser.ParsedRows parsed(Batch checked, boolean batch, OnError onError) {
        // the body's own fields (explain, coverage) are its parser's to add: ParsedRows.explaining, covering
        return new JsonRowsParser.ParsedRows(
                cells(),
                numbers(),
                checked,
                batch,
                batch ? batchRows : null,
                batch && onError == OnError.ROW ? problems() : List.of(),
                ignored(),
                Map.copyOf(numbersAsText),
                false,
                null);
    }

    /** @return every problem found, in the order found (each with its row in a batch) */
    List<FieldProblem> problems() {
        return List.copyOf(errors);
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
                // A spoilt row's unreadable or absent cell is missing here, as in a typed batch.
                row[i] = cells[i] instanceof Double value ? value : Double.NaN;
            }
            numbers[r] = row;
        }
        return Batch.ofNumbers(signature, numbers);
    }
}
