package org.tabserve.serving.feedback;

import java.util.List;
import org.tabserve.model.answer.AnswerTrace;
import org.tabserve.model.signature.Prediction;
import org.tabserve.model.signature.PredictionColumns;

/**
 * An answer kept for labels ({@link RecentAnswers}) of more than one row: its rows' predicted classes (a classifier's,
 * each as its index in the model's classes) or values (a regressor's), which of them are labelled, and the client it
 * was answered to; and how an answer's predictions are read into them, the same for this server's answers and the
 * shared store's.
 */
final class KeptRows {

    final int[] classes;
    final double[] values;
    final boolean[] labelled;
    final String client;

    KeptRows(int[] classes, double[] values, boolean[] labelled, String client) {
        this.classes = classes;
        this.values = values;
        this.labelled = labelled;
        this.client = client;
    }

    /** @return these rows with a later part's rows after them, their labels still to come */
    KeptRows appended(int[] moreClasses, double[] moreValues) {
        int more = moreClasses != null ? moreClasses.length : moreValues.length;
        return new KeptRows(
                concat(classes, moreClasses),
                concat(values, moreValues),
                java.util.Arrays.copyOf(labelled, labelled.length + more),
                client);
    }

    /** @return these rows as one answer for the fleet's store to keep ({@link SharedAnswers.Kept}) */
    SharedAnswers.Kept kept(
            String model, long version, String owner, String id, int first, long ticket, AnswerTrace trace) {
        return new SharedAnswers.Kept(model, version, owner, id, first, ticket, classes, values, trace);
    }

    /**
     * @return an answer's rows to keep, rows {@code first} on, up to {@link RecentAnswers#MAX_ROWS} in all: each row's
     *         predicted class (its index in {@code classes}) or, when there are none, its value; null when none are
     *         kept
     */
    static KeptRows of(List<String> classes, int first, List<Prediction> predictions) {
        if (first >= RecentAnswers.MAX_ROWS || predictions.isEmpty()) {
            return null;
        }
        int[] predictedClasses = null;
        double[] values = null;
        PredictionColumns columns = PredictionColumns.of(predictions);
        if (!classes.isEmpty()) {
            predictedClasses = new int[Math.min(predictions.size(), RecentAnswers.MAX_ROWS - first)];
            boolean sameClasses = sameClasses(classes, columns);
            for (int r = 0; r < predictedClasses.length; r++) {
                predictedClasses[r] = classIndex(classes, predictions, columns, sameClasses, r);
            }
        } else {
            values = new double[Math.min(predictions.size(), RecentAnswers.MAX_ROWS - first)];
            for (int r = 0; r < values.length; r++) {
                values[r] = value(predictions, columns, r);
            }
        }
        return new KeptRows(predictedClasses, values, null, FeedbackMonitor.NOBODY);
    }

    /**
     * @return what a one-row answer is kept as, as {@link #of} reads it: its class's index in {@code classes}, or
     *         (a regressor's, without classes) its value's bits
     */
    static long oneRow(List<String> classes, List<Prediction> predictions) {
        PredictionColumns columns = PredictionColumns.of(predictions);
        return classes.isEmpty()
                ? Double.doubleToRawLongBits(value(predictions, columns, 0))
                : classIndex(classes, predictions, columns, sameClasses(classes, columns), 0);
    }

    /** Whether {@code columns} answer with {@code classes}, so that their label indexes are the model's. */
    private static boolean sameClasses(List<String> classes, PredictionColumns columns) {
        return columns != null && columns.classifies() && columns.classes().equals(classes);
    }

    /** @return row {@code r}'s predicted class, as its index in {@code classes} */
    private static int classIndex(
            List<String> classes, List<Prediction> predictions, PredictionColumns columns, boolean sameClasses, int r) {
        return sameClasses
                ? columns.labelIndex(r)
                : classes.indexOf(predictions.get(r).classification().label());
    }

    /** @return row {@code r}'s predicted value (a regressor's) */
    private static double value(List<Prediction> predictions, PredictionColumns columns, int r) {
        return columns != null ? columns.value(r) : ((Prediction.Regression) predictions.get(r)).value();
    }

    /** @return array {@code a} (an {@code int[]} or a {@code double[]}) with {@code b}'s elements after its own */
    @SuppressWarnings("unchecked")
    private static <A> A concat(A a, A b) {
        if (a == null) {
            return null;
        }
        int first = java.lang.reflect.Array.getLength(a);
        int second = java.lang.reflect.Array.getLength(b);
        A out = (A) java.lang.reflect.Array.newInstance(a.getClass().getComponentType(), first + second);
        System.arraycopy(a, 0, out, 0, first);
        System.arraycopy(b, 0, out, first, second);
        return out;
    }
}
