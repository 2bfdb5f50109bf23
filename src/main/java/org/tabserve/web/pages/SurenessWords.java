package org.tabserve.web.pages;

import java.util.List;
import java.util.Locale;
import org.tabserve.model.ModelCard;
import org.tabserve.model.Uncertainty;

/**
 * How sure an answer is, in words for the form: "between 7.9 and 31.2 with 90 % coverage", "survived or died: not
 * sure at 90 %", "genuine, at 90 %", and a row unlike the calibration rows said so.
 */
final class SurenessWords {

    private SurenessWords() {}

    static String of(Uncertainty uncertainty, ModelCard card) {
        String percent = Decimals.fourPlaces(uncertainty.coverage() * 100) + " %";
        String words;
        if (uncertainty.interval() != null) {
            words = "Between " + Decimals.fourPlaces(uncertainty.interval().lower()) + " and "
                    + Decimals.fourPlaces(uncertainty.interval().upper()) + " with " + percent + " coverage.";
        } else {
            List<String> names =
                    uncertainty.predictionSet().stream().map(card::displayName).toList();
            words = switch (names.size()) {
                case 0 -> "No class fits at " + percent + ": the model has seen few rows like this one.";
                case 1 -> capitalised(names.get(0)) + ", at " + percent + ".";
                default -> capitalised(String.join(" or ", names)) + ": not sure at " + percent + ".";
            };
        }
        if (uncertainty.novelty() != null && uncertainty.novelty().novel()) {
            words += String.format(
                    Locale.ROOT,
                    " This row is unlike the rows the model was calibrated on (novelty" + " p-value %.3g).",
                    uncertainty.novelty().pValue());
        }
        return words;
    }

    private static String capitalised(String text) {
        return text.isEmpty() ? text : text.substring(0, 1).toUpperCase(Locale.ROOT) + text.substring(1);
    }
}
