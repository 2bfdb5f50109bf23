package org.tabserve.serving.feedback;

import java.util.Locale;
import org.tabserve.model.ModelCard;
import org.tabserve.model.RegressionEvaluation;

/**
 * The values a regressor's label may have, so that one label cannot poison (or, summed past the largest double,
 * erase) its live mean absolute error: finite, and within the target's range widened by its own width on each side.
 * The range is the card's actual values (its sample of held-out rows) when it has them, else the values this version
 * has answered since it was loaded, which every label that can be joined follows. Its width is at least the larger
 * magnitude of its ends, so that a narrow range (one answer so far) still takes honest labels. Thread-safe.
 */
final class LabelRange {

    private final double cardLow;
    private final double cardHigh;
    private double answeredLow = Double.POSITIVE_INFINITY; // guarded by this
    private double answeredHigh = Double.NEGATIVE_INFINITY; // guarded by this

    /** @param card the version's card: its regression sample, if any, is the range */
    LabelRange(ModelCard card) {
        double low = Double.POSITIVE_INFINITY;
        double high = Double.NEGATIVE_INFINITY;
        RegressionEvaluation regression = card == null ? null : card.regression();
        if (regression != null) {
            for (double actual : regression.actual()) {
                if (Double.isFinite(actual)) {
                    low = Math.min(low, actual);
                    high = Math.max(high, actual);
                }
            }
        }
        cardLow = low;
        cardHigh = high;
    }

    /** Counts the finite values, from {@code low} to {@code high}, of a batch the version answered. */
    synchronized void answered(double low, double high) {
        answeredLow = Math.min(answeredLow, low);
        answeredHigh = Math.max(answeredHigh, high);
    }

    /**
     * @return why {@code label} is refused, in words, or null when it is taken: not a finite number, or beyond the
     *         widened range (any finite label before the version has a range: it has answered nothing to join)
     */
    synchronized String refusal(double label) {
        if (!Double.isFinite(label)) {
            return "must be a finite number";
        }
        boolean fromCard = cardLow <= cardHigh;
        double low = fromCard ? cardLow : answeredLow;
        double high = fromCard ? cardHigh : answeredHigh;
        if (!(low <= high)) {
            return null;
        }
        double width = Math.max(high - low, Math.max(Math.abs(low), Math.abs(high)));
        if (width == 0) {
            width = 1;
        }
        double from = low - width;
        double to = high + width;
        if (label >= from && label <= to) {
            return null;
        }
        return String.format(
                Locale.ROOT,
                "is out of range: a label must lie within the target's range (%s to %s, %s)"
                        + " widened by its width on each side, %s to %s, so that one wrong label cannot swamp the live"
                        + " mean absolute error; got %s",
                shown(low),
                shown(high),
                fromCard ? "the card's held-out values" : "the values this version answered",
                shown(from),
                shown(to),
                shown(label));
    }

    private static String shown(double value) {
        return String.format(Locale.ROOT, "%.6g", value);
    }
}
