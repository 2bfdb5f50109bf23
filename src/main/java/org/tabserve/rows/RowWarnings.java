package org.tabserve.rows;

import java.util.List;
import java.util.Map;
import org.tabserve.model.Batch;
import org.tabserve.model.ModelCard;
import org.tabserve.model.ModelSignature;
import org.tabserve.model.RangeWarning;

/**
 * The warnings an answer carries: for each row, its numbers outside the training range and the categories the model
 * has not seen; for a request, each field sent that the model does not take.
 */
public final class RowWarnings {

    private RowWarnings() {}

    /** The warnings that tell each ignored field once: a field sent that the model does not take. */
    public static List<RangeWarning> ignored(List<String> fields) {
        List<RangeWarning> warnings = new java.util.ArrayList<>(fields.size());
        for (String field : fields) {
            warnings.add(new RangeWarning(field, "'" + field + "' is not an input of the model; it was ignored"));
        }
        return warnings;
    }

    /**
     * Adds to {@code warnings} the one warning per text input that was sent numbers, each taken as its text: the same
     * words for JSON, Arrow and Parquet.
     *
     * @param numbersAsText each such input, with the first number's text
     */
    static void numbersAsText(Map<String, String> numbersAsText, List<RangeWarning> warnings) {
        numbersAsText.forEach((feature, text) -> warnings.add(new RangeWarning(
                feature,
                "'" + feature + "' is a text input; the numbers sent for it were taken as their text (\"" + text
                        + "\"), as the model takes text there")));
    }

    /**
     * The warnings for one row of a typed batch: numbers outside the training range, in the model's column order,
     * then categories the model has not seen.
     */
    public static List<RangeWarning> warnings(ModelCard card, Batch batch, int row) {
        return warnings(card, batch, row, batch.numbers(row));
    }

    /**
     * The warnings for one row of a typed batch, its numbers checked against the training range as the caller sent
     * them: a float input holds 6.8248 as 6.82480001, above a training maximum of 6.8248, so the batch's own numbers
     * would warn about values at the very ends of the range.
     *
     * @param sent the row's values as sent, in {@link ModelSignature#features()} order (a {@code Number} where a number
     *             was sent; anything else is not range-checked)
     */
    static List<RangeWarning> warnings(ModelCard card, Batch batch, int row, Object[] sent) {
        double[] numbers = new double[sent.length];
        for (int i = 0; i < sent.length; i++) {
            numbers[i] = sent[i] instanceof Number number ? number.doubleValue() : Double.NaN;
        }
        return warnings(card, batch, row, numbers);
    }

    /**
     * The warnings for one row of a typed batch, these numbers (in feature order, NaN where there is none) checked
     * against the training range, then the categories the model has not seen.
     */
    static List<RangeWarning> warnings(ModelCard card, Batch batch, int row, double[] numbers) {
        List<RangeWarning> range = RangeWarning.check(batch.signature().featureNames(), numbers, card.featureStats());
        if (batch.warnings(row).isEmpty()) {
            return range;
        }
        List<RangeWarning> all = new java.util.ArrayList<>(range);
        all.addAll(batch.warnings(row));
        return all;
    }
}
