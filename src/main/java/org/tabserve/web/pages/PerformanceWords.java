package org.tabserve.web.pages;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.tabserve.web.api.LivePerformanceJson;

/**
 * A model version's performance in words, for the models index and the card page: the card's figure, the live one
 * from the labels of the last hour and the estimate without labels, side by side, so that a reader sees at once
 * whether the model still does as well as its card says.
 */
final class PerformanceWords {

    private PerformanceWords() {}

    /** @return e.g. "accuracy: card 0.991 · live 0.985 (1000 labels) · estimated 0.978"; empty with no figure at all */
    static String of(LivePerformanceJson figures) {
        if (figures == null) {
            return "";
        }
        boolean regressor = figures.cardMae() != null || figures.liveMae() != null;
        List<String> parts = new ArrayList<>();
        Double card = regressor ? figures.cardMae() : figures.cardAccuracy();
        Double live = regressor ? figures.liveMae() : figures.liveAccuracy();
        if (card != null) {
            parts.add("card " + figure(card, regressor));
        }
        if (live != null) {
            parts.add("live " + figure(live, regressor) + " (" + figures.labelled() + " label"
                    + (figures.labelled() == 1 ? "" : "s") + ")");
        }
        if (figures.estimatedAccuracy() != null) {
            parts.add("estimated " + figure(figures.estimatedAccuracy(), false));
        }
        return parts.isEmpty() ? "" : (regressor ? "MAE: " : "accuracy: ") + String.join(" · ", parts);
    }

    private static String figure(double value, boolean error) {
        return error ? String.format(Locale.ROOT, "%.4g", value) : String.format(Locale.ROOT, "%.3f", value);
    }
}
