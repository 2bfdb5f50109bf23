package org.tabserve.web.pages;

import java.util.List;
import java.util.Locale;
import org.tabserve.model.card.ModelCard;
import org.tabserve.model.conformal.Conformal;
import org.tabserve.model.conformal.Uncertainty;
import org.tabserve.model.signature.Prediction;
import org.tabserve.web.pages.plots.Decimals;

/**
 * How sure an answer is, in words for the form, each saying what is true of it and worded so that a coverage is not
 * read as the answer's probability: "Between 7.9 and 31.2 with 90 % coverage: ranges made this way hold the true
 * value for at least 90 % of new rows like the calibration rows", "Survived or died: the prediction set at 90 %
 * coverage holds more than one class", an empty set as the probability its classes lack (not as novelty, which is
 * said only when the row's novelty p-value flags it).
 */
final class SurenessWords {

    private SurenessWords() {}

    /** @return a regressor's interval at its coverage, in words */
    static String interval(Uncertainty uncertainty) {
        String percent = percent(uncertainty);
        Uncertainty.Interval interval = uncertainty.interval();
        String words = "Between " + Decimals.fourPlaces(interval.lower()) + " and "
                + Decimals.fourPlaces(interval.upper()) + " with " + percent + " coverage: ranges made this way"
                + " hold the true value for at least " + percent + " of new rows like the calibration rows.";
        if (interval.clipped()) {
            words += " The range is cut to the values the model's card saw.";
        }
        return words;
    }

    /** @return a classifier's prediction set at its coverage, in the card's display names */
    static String predictionSet(Uncertainty uncertainty, ModelCard card, Prediction answer) {
        String percent = percent(uncertainty);
        List<String> names =
                uncertainty.predictionSet().stream().map(card::displayName).toList();
        String sets = " (Sets made this way hold the true class for at least " + percent + " of new rows like the"
                + " calibration rows: a coverage, not this answer's probability.)";
        return switch (names.size()) {
            case 0 -> empty(uncertainty, card, answer, percent) + sets;
            case 1 ->
                capitalised(names.get(0)) + ": the prediction set at " + percent + " coverage holds this"
                        + " class alone." + sets;
            default ->
                capitalised(String.join(" or ", names)) + ": the prediction set at " + percent
                        + " coverage holds more than one class, so the model cannot tell which." + sets;
        };
    }

    /** @return a sentence (after a space) when the row's novelty p-value flags it, else empty */
    static String novelty(Uncertainty uncertainty) {
        if (uncertainty.novelty() == null || !uncertainty.novelty().novel()) {
            return "";
        }
        return String.format(
                Locale.ROOT,
                " This row is unlike the rows the model was calibrated on (novelty p-value %.3g), so the coverage"
                        + " may not hold for it.",
                uncertainty.novelty().pValue());
    }

    private static String percent(Uncertainty uncertainty) {
        return Decimals.fourPlaces(uncertainty.coverage() * 100) + " %";
    }

    /** An empty set: no class's probability reaches the level the coverage needs; the top class's, for scale. */
    private static String empty(Uncertainty uncertainty, ModelCard card, Prediction answer, String percent) {
        if (!(answer instanceof Prediction.Classification classification)) {
            return "The prediction set at " + percent + " coverage is empty.";
        }
        String top = classification.label();
        double p = classification.probabilityOf(top);
        String needed = "";
        Conformal conformal = card.conformal();
        if (conformal != null) {
            double[] q = conformal.quantiles(uncertainty.coverage());
            int group = conformal.scores().size() == 1
                    ? 0
                    : List.copyOf(conformal.scores().keySet()).indexOf(top);
            if (group >= 0) {
                needed = " (at least " + String.format(Locale.ROOT, "%.1f", 100 * (1 - q[group])) + " %"
                        + (conformal.scores().size() == 1 ? "" : " for " + card.displayName(top)) + ")";
            }
        }
        return "The prediction set at " + percent + " coverage is empty: no class's probability reaches the level"
                + " that coverage needs" + needed + "; the top class, " + card.displayName(top) + ", has "
                + String.format(Locale.ROOT, "%.1f", 100 * p) + " %.";
    }

    private static String capitalised(String text) {
        return text.isEmpty() ? text : text.substring(0, 1).toUpperCase(Locale.ROOT) + text.substring(1);
    }
}
