package org.tabserve.serving.feedback;

import java.util.Locale;
import org.tabserve.model.card.ModelCard;
import org.tabserve.model.card.RegressionEvaluation;
import org.tabserve.model.conformal.Conformal;

/**
 * The values a regressor's label may honestly have, so that one absurd label cannot poison (or, summed past the
 * largest double, erase) its live mean absolute error, while a true value far from what the model answers (the one
 * 512.33 fare among fares the model put under 100) still joins and shows how far off the model is: finite, and within
 * a range widened by {@link #WIDTHS} times its scale on each side. The range is the target values the card saw (its
 * conformal calibration's range, over its data and calibration rows) when it has them, else its held-out rows' actual
 * values, else the values this version has answered since it was loaded; its scale is the larger of its width and
 * the magnitude of its ends (1 when all are 0). Before any of these, a label within {@link #WIDE_BOUND} is taken.
 * Refused labels are refused one by one, never their batch ({@link LabelJoins}). Thread-safe.
 */
final class LabelRange {

    /** How many times its scale the range is widened by on each side. */
    static final double WIDTHS = 10;
    /**
     * The bound of a label's magnitude before any range is known: far past any target a model is honestly served for
     * in the units of this server's figures, and short of what would make an hour's sums lose their units.
     */
    static final double WIDE_BOUND = 1e15;

    private final double cardLow;
    private final double cardHigh;
    private final String cardSource;
    private double answeredLow = Double.POSITIVE_INFINITY; // guarded by this
    private double answeredHigh = Double.NEGATIVE_INFINITY; // guarded by this

    /** @param card the version's card: its target range, else its regression sample, if any, is the range */
    LabelRange(ModelCard card) {
        double low = Double.POSITIVE_INFINITY;
        double high = Double.NEGATIVE_INFINITY;
        String source = null;
        Conformal conformal = card == null ? null : card.conformal();
        RegressionEvaluation regression = card == null ? null : card.regression();
        if (conformal != null && conformal.range() != null) {
            low = conformal.range()[0];
            high = conformal.range()[1];
            source = "the target values the card saw";
        } else if (regression != null) {
            for (double actual : regression.actual()) {
                if (Double.isFinite(actual)) {
                    low = Math.min(low, actual);
                    high = Math.max(high, actual);
                }
            }
            source = "the card's held-out values";
        }
        cardLow = low;
        cardHigh = high;
        cardSource = source;
    }

    /** Counts the finite values, from {@code low} to {@code high}, of a batch the version answered. */
    synchronized void answered(double low, double high) {
        answeredLow = Math.min(answeredLow, low);
        answeredHigh = Math.max(answeredHigh, high);
    }

    /**
     * @return why {@code label} is refused, in words (the true value "is ..."), or null when it is taken: not a
     *         finite number, or beyond the widened range (beyond {@link #WIDE_BOUND} before there is one)
     */
    synchronized String refusal(double label) {
        if (!Double.isFinite(label)) {
            return "must be a finite number";
        }
        boolean fromCard = cardLow <= cardHigh;
        double low = fromCard ? cardLow : answeredLow;
        double high = fromCard ? cardHigh : answeredHigh;
        if (!(low <= high)) {
            return Math.abs(label) <= WIDE_BOUND
                    ? null
                    : String.format(
                            Locale.ROOT,
                            "is out of range: a label's magnitude must be at most %s while the version has no"
                                    + " range of values; got %s",
                            shown(WIDE_BOUND),
                            shown(label));
        }
        double scale = Math.max(high - low, Math.max(Math.abs(low), Math.abs(high)));
        if (scale == 0) {
            scale = 1;
        }
        double from = low - WIDTHS * scale;
        double to = high + WIDTHS * scale;
        if (label >= from && label <= to) {
            return null;
        }
        return String.format(
                Locale.ROOT,
                "is out of range: a label must lie within the target's range (%s to %s, %s) widened by %d times its"
                        + " scale on each side, %s to %s, so that one absurd label cannot swamp the live mean"
                        + " absolute error; got %s",
                shown(low),
                shown(high),
                fromCard ? cardSource : "the values this version answered",
                (int) WIDTHS,
                shown(from),
                shown(to),
                shown(label));
    }

    private static String shown(double value) {
        return String.format(Locale.ROOT, "%.6g", value);
    }
}
