package org.tabserve.model.signature;

import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

/**
 * A batch's predictions held as columns (each row's class as an index into the class list and every probability in
 * one array of rows × classes, or each row's value), read so by the batch routes' writers and counters, and seen by
 * every other caller as the list of {@link Prediction}s it always was: a row's prediction is made when first asked
 * for. A row the model gave no finite answer is null, as in any list of predictions.
 *
 * <p>Thread-safety: immutable once made; the predictions made on demand are kept in a racy cache, which is safe
 * because each is an immutable record (at worst two equal ones are made for a row).
 */
public final class PredictionColumns extends AbstractList<Prediction> implements RandomAccess {

    /** A row with no finite answer, in {@link #labelIndex}. */
    public static final int NO_ANSWER = -1;

    private final int rows;
    /** The classes, in the model's order; null for a regressor's values. */
    private final List<String> classes;
    /** A classifier's: each row's class in {@link #classes}, or {@link #NO_ANSWER}. */
    private final int[] labels;
    /** A classifier's: row r's probability of class c at {@code r * classes + c}. */
    private final double[] probabilities;
    /** A regressor's: each row's value, not finite for a row with no answer. */
    private final double[] values;

    private final int unanswered;
    private Prediction[] made;

    private PredictionColumns(int rows, List<String> classes, int[] labels, double[] probabilities, double[] values) {
        this.rows = rows;
        this.classes = classes;
        this.labels = labels;
        this.probabilities = probabilities;
        this.values = values;
        int none = 0;
        for (int r = 0; r < rows; r++) {
            if (labels != null ? labels[r] == NO_ANSWER : !Double.isFinite(values[r])) {
                none++;
            }
        }
        this.unanswered = none;
    }

    /**
     * A classifier's answers, taken as they are (not copied).
     *
     * @param classes       every class label, in the model's order
     * @param labels        each row's class, an index into {@code classes}, or {@link #NO_ANSWER}
     * @param probabilities row r's probability of class c at {@code r * classes.size() + c}
     */
    public static PredictionColumns classified(List<String> classes, int[] labels, double[] probabilities) {
        List<String> kept = List.copyOf(classes);
        if ((long) labels.length * kept.size() != probabilities.length) {
            throw new IllegalArgumentException(labels.length + " rows of " + kept.size() + " classes but "
                    + probabilities.length + " probabilities");
        }
        return new PredictionColumns(labels.length, kept, labels, probabilities, null);
    }

    /**
     * A regressor's answers, taken as they are (not copied).
     *
     * @param values each row's value; a value that is not finite is a row with no answer
     */
    public static PredictionColumns regressed(double[] values) {
        return new PredictionColumns(values.length, null, null, null, values);
    }

    /**
     * @return the columns of {@code predictions} when they are held so; null for any other list
     */
    public static PredictionColumns of(List<Prediction> predictions) {
        return predictions instanceof PredictionColumns columns ? columns : null;
    }

    /** @return whether the rows are a classifier's (a class and probabilities each) rather than a regressor's */
    public boolean classifies() {
        return classes != null;
    }

    /** @return the classes, in the model's order (a classifier's) */
    public List<String> classes() {
        return classes;
    }

    /** @return the number of classes (a classifier's) */
    public int classCount() {
        return classes.size();
    }

    /** @return whether row {@code row} has an answer (a list of predictions holds null for one that has not) */
    public boolean answered(int row) {
        return labels != null ? labels[row] != NO_ANSWER : Double.isFinite(values[row]);
    }

    /** @return row {@code row}'s class, an index into {@link #classes()}, or {@link #NO_ANSWER} (a classifier's) */
    public int labelIndex(int row) {
        return labels[row];
    }

    /** @return row {@code row}'s probability of class {@code c} (a classifier's) */
    public double probability(int row, int c) {
        return probabilities[row * classes.size() + c];
    }

    /** @return row {@code row}'s value (a regressor's) */
    public double value(int row) {
        return values[row];
    }

    @Override
    public int size() {
        return rows;
    }

    @Override
    public Prediction get(int row) {
        if (row < 0 || row >= rows) {
            throw new IndexOutOfBoundsException("row " + row + " of " + rows);
        }
        if (!answered(row)) {
            return null;
        }
        Prediction[] cache = made;
        if (cache == null) {
            cache = new Prediction[rows];
            made = cache;
        }
        Prediction prediction = cache[row];
        if (prediction == null) {
            prediction = make(row);
            cache[row] = prediction;
        }
        return prediction;
    }

    private Prediction make(int row) {
        if (labels == null) {
            return new Prediction.Regression(values[row]);
        }
        int width = classes.size();
        int at = row * width;
        List<Double> boxed;
        if (width == 2) {
            boxed = List.of(probabilities[at], probabilities[at + 1]);
        } else {
            Double[] each = new Double[width];
            for (int c = 0; c < width; c++) {
                each[c] = probabilities[at + c];
            }
            boxed = List.of(each);
        }
        return new Prediction.Classification(classes.get(labels[row]), classes, boxed);
    }

    /** Finds a row with no answer (null) without making any row's prediction. */
    @Override
    public int indexOf(Object o) {
        if (o != null) {
            return super.indexOf(o);
        }
        if (unanswered == 0) {
            return -1;
        }
        for (int r = 0; r < rows; r++) {
            if (!answered(r)) {
                return r;
            }
        }
        return -1;
    }

    @Override
    public boolean contains(Object o) {
        return indexOf(o) >= 0;
    }

    /**
     * @return the rows of several batches one after the other, in columns when every part is of the same kind (one
     *         model's fixed-size batches)
     */
    public static List<Prediction> joined(List<List<Prediction>> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        int total = 0;
        boolean columns = !parts.isEmpty();
        for (List<Prediction> part : parts) {
            total += part.size();
            columns &= part instanceof PredictionColumns c
                    && c.classifies() == ((PredictionColumns) parts.get(0)).classifies()
                    && (!c.classifies() || c.classes.equals(((PredictionColumns) parts.get(0)).classes));
        }
        if (!columns) {
            List<Prediction> joined = new java.util.ArrayList<>(total);
            parts.forEach(joined::addAll);
            return joined;
        }
        PredictionColumns first = (PredictionColumns) parts.get(0);
        if (!first.classifies()) {
            double[] values = new double[total];
            int at = 0;
            for (List<Prediction> part : parts) {
                PredictionColumns c = (PredictionColumns) part;
                System.arraycopy(c.values, 0, values, at, c.rows);
                at += c.rows;
            }
            return regressed(values);
        }
        int width = first.classes.size();
        int[] labels = new int[total];
        double[] probabilities = new double[total * width];
        int at = 0;
        for (List<Prediction> part : parts) {
            PredictionColumns c = (PredictionColumns) part;
            System.arraycopy(c.labels, 0, labels, at, c.rows);
            System.arraycopy(c.probabilities, 0, probabilities, at * width, c.rows * width);
            at += c.rows;
        }
        return classified(first.classes, labels, probabilities);
    }
}
