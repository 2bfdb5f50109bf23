package org.tabserve.rows.field;

import java.util.List;
import java.util.Map;
import org.tabserve.model.card.ModelCard;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.model.signature.RangeWarning;

/**
 * The warnings an answer carries: for each row, its numbers outside the training range and the categories the model
 * has not seen; for a request, each field sent that the model does not take.
 */
public final class RowWarnings {

    private RowWarnings() {}

    /**
     * The most ignored fields named in a warning each; the rest are counted in one more (issue 61: a body of 100,000
     * unknown fields, 1.1 MB, was answered with a warning for each, 8.7 MB).
     */
    public static final int NAMED_IGNORED = 20;

    /**
     * The warnings that tell the ignored fields once (fields sent that the model does not take): each of the first
     * {@link #NAMED_IGNORED} in a warning of its own, and past them one warning, on the first field not named, that
     * counts the rest.
     *
     * @param fields the distinct fields ignored, in the order first met
     */
    public static List<RangeWarning> ignored(List<String> fields) {
        int named = Math.min(fields.size(), NAMED_IGNORED);
        List<RangeWarning> warnings = new java.util.ArrayList<>(named + 1);
        for (String field : fields.subList(0, named)) {
            warnings.add(new RangeWarning(field, "'" + field + "' is not an input of the model; it was ignored"));
        }
        if (fields.size() > named) {
            String next = fields.get(named);
            warnings.add(new RangeWarning(
                    next,
                    String.format(
                            java.util.Locale.ROOT,
                            "'%s' and %,d more fields are not inputs of the model; they were ignored (%,d ignored in"
                                    + " all, the first %d named above)",
                            next,
                            fields.size() - named - 1,
                            fields.size(),
                            named)));
        }
        return warnings;
    }

    /**
     * Adds to {@code warnings} the one warning per text input that was sent numbers, each taken as its text: the same
     * words for JSON, Arrow and Parquet.
     *
     * @param numbersAsText each such input, with the first number's text
     */
    public static void numbersAsText(Map<String, String> numbersAsText, List<RangeWarning> warnings) {
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
    public static List<RangeWarning> warnings(ModelCard card, Batch batch, int row, Object[] sent) {
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
    public static List<RangeWarning> warnings(ModelCard card, Batch batch, int row, double[] numbers) {
        List<RangeWarning> range = RangeWarning.check(batch.signature().featureNames(), numbers, card.featureStats());
        if (batch.warnings(row).isEmpty()) {
            return range;
        }
        List<RangeWarning> all = new java.util.ArrayList<>(range);
        all.addAll(batch.warnings(row));
        return all;
    }
}
