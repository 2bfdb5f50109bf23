package org.tabserve.serving.feedback;

import org.tabserve.model.Model;
import org.tabserve.model.card.Calibration;
import org.tabserve.model.signature.Prediction;
import org.tabserve.model.signature.PredictionColumns;

/**
 * A classifier's chance of being right on one row, as confidence-based performance estimation (CBPE) reads it without
 * a label: the probability the model gave its predicted class, taken through the card's calibration curve where the
 * card has one (a binary classifier carded with labels), so that the mean over recent rows estimates their accuracy.
 */
final class Confidence {

    private final Calibration calibration;

    /** @param calibration the card's calibration curve, or null to take the model's probabilities as they are */
    Confidence(Calibration calibration) {
        this.calibration = calibration;
    }

    /** @return the confidence of {@code model}'s answers: calibrated when its card has a calibration curve */
    static Confidence of(Model model) {
        var evaluation = model.card().evaluation();
        return new Confidence(evaluation == null ? null : evaluation.calibration());
    }

    /** @return whether the card's calibration curve is read, rather than the model's probabilities as they are */
    boolean calibrated() {
        return calibration != null;
    }

    /** @return the chance that row {@code row}'s label is the right one, as {@link #of(Prediction.Classification)} */
    double of(PredictionColumns answers, int row) {
        int at = answers.labelIndex(row);
        if (at == PredictionColumns.NO_ANSWER) {
            return Double.NaN;
        }
        int positive = calibration == null ? -1 : answers.classes().indexOf(calibration.positiveClass());
        if (positive < 0) {
            return answers.probability(row, at);
        }
        double chance = calibration.calibrated(answers.probability(row, positive));
        return at == positive ? chance : 1 - chance;
    }

    /** @return the chance that {@code answer}'s label is the right one, between 0 and 1 */
    double of(Prediction.Classification answer) {
        int at = answer.classes().indexOf(answer.label());
        if (calibration == null || !answer.classes().contains(calibration.positiveClass())) {
            return at < 0 ? 0 : answer.probabilities().get(at);
        }
        double positive = calibration.calibrated(answer.probabilityOf(calibration.positiveClass()));
        return answer.label().equals(calibration.positiveClass()) ? positive : 1 - positive;
    }
}
