package org.tabserve.model.explain;

import java.util.List;
import java.util.function.IntUnaryOperator;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.CallHeap;
import org.tabserve.model.signature.Prediction;
import org.tabserve.model.signature.PredictionColumns;

/**
 * The model rows that explanations by coalitions evaluate, for one model and background: the background's own answers,
 * computed once and kept for every row this explains (they are the empty coalition's, whatever the row), the
 * explained row's answer once per explanation (the full coalition's, in the first call beside the first mixed rows),
 * and rows that mix the explained row with background rows, in calls of at most the rows the caller gives (whose heap
 * it has reserved, {@link CallHeap#perColumnsRow}: each row's answer is read from the call's columns, its prediction
 * never made), each seen by the caller's meter first.
 *
 * <p>Thread-safe: the background's answers are computed once under this object's lock; nothing else is kept.
 */
final class CoalitionRows {

    private final ExplainedModel model;
    private final Batch background;
    /** The background's answers, [row][class] (a classifier's probabilities) or [row][0] (a value); null until asked. */
    private double[][] answers;

    CoalitionRows(ExplainedModel model, Batch background) {
        this.model = model;
        this.background = background;
    }

    /** @return how many background rows there are */
    int backgroundRows() {
        return background.size();
    }

    /** What one explanation explains: the predicted class's probability (index, label) or a regressor's value (-1). */
    record Target(int index, String label, double output) {

        /** @return {@link Explanation#PROBABILITY} or {@link Explanation#VALUE} */
        String quantity() {
            return index < 0 ? Explanation.VALUE : Explanation.PROBABILITY;
        }
    }

    /** The explained row's answer, from its prediction (a row with no answer fails, as it always did). */
    private static Target target(Prediction alone) {
        if (alone instanceof Prediction.Classification classification) {
            int index = classification.classes().indexOf(classification.label());
            return new Target(
                    index,
                    classification.label(),
                    classification.probabilities().get(index));
        }
        return new Target(-1, null, ((Prediction.Regression) alone).value());
    }

    /**
     * Each background row's output for {@code target}, the background's answers computed on the first call (its
     * rows then seen by {@code meter}, in calls of at most {@code rowsPerCall} rows) and kept.
     */
    double[] backgroundOutputs(Target target, ExplanationMeter meter, int rowsPerCall) {
        double[][] all = answers(meter, rowsPerCall);
        double[] outputs = new double[all.length];
        int column = Math.max(0, target.index());
        for (int b = 0; b < all.length; b++) {
            outputs[b] = all[b][column];
        }
        return outputs;
    }

    /** @return whether the background's answers are still to be computed (costing {@link #backgroundRows}) */
    synchronized boolean backgroundUnanswered() {
        return answers == null;
    }

    private synchronized double[][] answers(ExplanationMeter meter, int rowsPerCall) {
        if (answers == null) {
            double[][] computed = new double[background.size()][];
            for (int start = 0; start < computed.length; start += rowsPerCall) {
                int[] chunk = new int[Math.min(rowsPerCall, computed.length - start)];
                for (int k = 0; k < chunk.length; k++) {
                    chunk[k] = start + k;
                }
                meter.beforeCall(chunk.length);
                List<Prediction> predictions =
                        model.predict(Batch.mixed(background, 0, background, chunk, (out, f) -> false));
                PredictionColumns columns = PredictionColumns.of(predictions);
                for (int k = 0; k < chunk.length; k++) {
                    computed[start + k] = answer(predictions, columns, k);
                }
            }
            answers = computed;
        }
        return answers;
    }

    /** Row {@code k}'s probabilities, or its value: read from the call's columns where it has an answer there. */
    private static double[] answer(List<Prediction> predictions, PredictionColumns columns, int k) {
        if (columns != null && columns.answered(k)) {
            if (!columns.classifies()) {
                return new double[] {columns.value(k)};
            }
            double[] probabilities = new double[columns.classCount()];
            for (int c = 0; c < probabilities.length; c++) {
                probabilities[c] = columns.probability(k, c);
            }
            return probabilities;
        }
        Prediction prediction = predictions.get(k); // another model's list, or a row with no answer, as it always was
        return prediction instanceof Prediction.Classification c
                ? c.probabilities().stream().mapToDouble(Double::doubleValue).toArray()
                : new double[] {((Prediction.Regression) prediction).value()};
    }

    /** Takes the output of each mixed row ({@link #outputs}) as its call returns. */
    @FunctionalInterface
    interface Outputs {
        /** @param out the mixed row's index, from 0 */
        void accept(int out, double output);
    }

    /**
     * The explained row's answer ({@link #target(Batch, int, ExplanationMeter)}), and {@code into} handed its output of
     * {@code count} rows that mix row {@code row} of {@code rows} with background rows: row {@code out} takes
     * background row {@code other.applyAsInt(out)} but for the features {@code source} gives to the explained row. The
     * explained row goes to the model as the first row of the first call, beside the mixed rows, rather than in a call
     * of its own: a graph of many nodes pays each node once a call (0.7 ms of the 28-class SVM's), and a row's answer
     * does not depend on the rows beside it in its call. Only one call's rows are held at a time: at most
     * {@code rowsPerCall}, the explained row's included. Each output is read from the call's columns as the model
     * answered it ({@link PredictionColumns}), without making the row's {@link Prediction}.
     */
    Target outputs(
            Batch rows,
            int row,
            int count,
            IntUnaryOperator other,
            Batch.CellSource source,
            ExplanationMeter meter,
            int rowsPerCall,
            Outputs into) {
        Target target = null;
        int start = 0;
        while (target == null || start < count) {
            int own = target == null ? 1 : 0; // the explained row, first of the first call
            int first = start - own;
            int[] chunk = new int[Math.min(rowsPerCall, count - start + own)];
            for (int k = own; k < chunk.length; k++) {
                chunk[k] = other.applyAsInt(first + k);
            }
            meter.beforeCall(chunk.length);
            List<Prediction> predictions = model.predict(
                    Batch.mixed(rows, row, background, chunk, (out, f) -> out < own || source.fromRow(first + out, f)));
            if (target == null) {
                target = target(predictions.get(0));
            }
            PredictionColumns columns = PredictionColumns.of(predictions);
            for (int k = own; k < chunk.length; k++) {
                into.accept(first + k, output(predictions, columns, k, target));
            }
            start += chunk.length - own;
        }
        return target;
    }

    /** Row {@code k}'s output for {@code target}: read from the call's columns where it has an answer there. */
    private static double output(List<Prediction> predictions, PredictionColumns columns, int k, Target target) {
        if (columns != null && columns.answered(k) && columns.classifies() == (target.index() >= 0)) {
            return target.index() < 0 ? columns.value(k) : columns.probability(k, target.index());
        }
        Prediction prediction = predictions.get(k); // another model's list, or a row with no answer, as it always was
        return target.index() < 0
                ? ((Prediction.Regression) prediction).value()
                : ((Prediction.Classification) prediction).probabilities().get(target.index());
    }

    /** @return the mean of {@code values}, summed in order */
    static double mean(double[] values) {
        double sum = 0;
        for (double value : values) {
            sum += value;
        }
        return sum / values.length;
    }
}
