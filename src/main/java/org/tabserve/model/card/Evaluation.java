package org.tabserve.model.card;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How well the model did on data it never trained on, as stored in its card under {@link CardKeys#METRICS}.
 *
 * @param method          how the held-out rows were chosen, in words
 * @param rows            number of held-out rows
 * @param accuracy        share of held-out rows predicted correctly
 * @param perClass        per-class precision, recall, f1 and support, by label
 * @param confusionLabels the labels that name the confusion matrix's rows and columns, in order
 * @param confusion       counts; row = true class, column = predicted class
 * @param roc             a binary classifier's ROC curve, or {@code null} when the card has none
 * @param calibration     a binary classifier's calibration table, or {@code null} when the card has none
 */
public record Evaluation(
        String method,
        int rows,
        double accuracy,
        Map<String, ClassMetrics> perClass,
        List<String> confusionLabels,
        List<List<Integer>> confusion,
        RocCurve roc,
        Calibration calibration) {

    /** Metrics without a ROC curve or calibration table (more than two classes, or a card that has none). */
    public Evaluation(
            String method,
            int rows,
            double accuracy,
            Map<String, ClassMetrics> perClass,
            List<String> confusionLabels,
            List<List<Integer>> confusion) {
        this(method, rows, accuracy, perClass, confusionLabels, confusion, null, null);
    }

    public Evaluation {
        Objects.requireNonNull(method, "method");
        perClass = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(perClass));
        confusionLabels = List.copyOf(confusionLabels);
        confusion = confusion.stream().map(List::copyOf).toList();
        int size = confusionLabels.size();
        if (confusion.size() != size || confusion.stream().anyMatch(r -> r.size() != size)) {
            throw new IllegalArgumentException(
                    "confusion matrix must be " + size + " x " + size + " to match its labels " + confusionLabels);
        }
    }
}
