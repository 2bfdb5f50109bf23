package org.tabserve.model.card;

import java.util.List;
import java.util.Objects;

/**
 * A binary classifier's ROC curve as its card stores it (under {@link CardKeys#METRICS}, {@code roc}), so that a page
 * can draw it and show its area without the data.
 *
 * @param positiveClass the class whose probability is the score (the second class)
 * @param auc           the area under the whole curve, or {@code null} when the rows held one class only
 * @param rows          the rows the curve was made from
 * @param note          how those rows were chosen when they are a sample; empty otherwise
 * @param fpr           false positive rates, one per point, ascending from 0 to 1
 * @param tpr           true positive rates, one per point
 */
public record RocCurve(String positiveClass, Double auc, long rows, String note, List<Double> fpr, List<Double> tpr) {

    public RocCurve {
        Objects.requireNonNull(positiveClass, "positiveClass");
        Objects.requireNonNull(note, "note");
        fpr = List.copyOf(fpr);
        tpr = List.copyOf(tpr);
        if (fpr.size() != tpr.size() || fpr.size() < 2) {
            throw new IllegalArgumentException("the ROC curve needs as many tpr as fpr values, at least 2; got "
                    + fpr.size() + " and " + tpr.size());
        }
        if (!Rates.within01(fpr) || !Rates.within01(tpr) || auc != null && !Rates.within01(List.of(auc))) {
            throw new IllegalArgumentException("ROC rates and its auc must lie between 0 and 1");
        }
        for (int i = 1; i < fpr.size(); i++) {
            if (fpr.get(i) < fpr.get(i - 1) || tpr.get(i) < tpr.get(i - 1)) {
                throw new IllegalArgumentException("the ROC curve's fpr and tpr must not decrease");
            }
        }
    }
}
