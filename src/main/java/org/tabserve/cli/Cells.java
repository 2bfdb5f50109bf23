package org.tabserve.cli;

import java.util.List;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.Feature;
import org.tabserve.model.signature.ModelInput;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.model.signature.ValueType;
import org.tabserve.rows.read.CellRows;

/**
 * Reads one feature's value of one row back out of a {@link Batch}, as the card shows it: numbers as doubles (a float
 * input's value as the shortest decimal that is that float, so 39.1 stays 39.1), text and booleans as text, missing
 * as NaN or null.
 */
final class Cells {

    private final List<Feature> features;
    private final int[] input;
    private final int[] column;
    private final int[] width;
    private final ValueType[] types;

    Cells(ModelSignature signature) {
        this.features = signature.features();
        int count = features.size();
        input = new int[count];
        column = new int[count];
        width = new int[count];
        types = new ValueType[count];
        int f = 0;
        for (int i = 0; i < signature.inputs().size(); i++) {
            ModelInput modelInput = signature.inputs().get(i);
            for (int c = 0; c < modelInput.width(); c++, f++) {
                input[f] = i;
                column[f] = c;
                width[f] = modelInput.width();
                types[f] = modelInput.type();
            }
        }
    }

    List<Feature> features() {
        return features;
    }

    /** @return whether the feature is counted by category (text, booleans) rather than summarised as a number */
    boolean categorical(int feature) {
        return types[feature] == ValueType.STRING || types[feature] == ValueType.BOOL;
    }

    /** @return the value of a number feature (NaN when missing) */
    double number(Batch batch, int row, int feature) {
        double value = batch.number(row, feature);
        return types[feature] == ValueType.FLOAT && Double.isFinite(value)
                ? CellRows.floatAsDouble((float) value)
                : value;
    }

    /** @return the text of a text or boolean feature (null when missing) */
    String text(Batch batch, int row, int feature) {
        Object data = batch.data(input[feature]);
        int at = row * width[feature] + column[feature];
        if (data instanceof String[] texts) {
            return texts[at];
        }
        if (data instanceof boolean[] booleans) {
            return Boolean.toString(booleans[at]);
        }
        throw new IllegalStateException(features.get(feature).name() + " is not text");
    }

    /** @return the value as the card's examples hold it: a Double, a String, or null when missing */
    Object value(Batch batch, int row, int feature) {
        if (categorical(feature)) {
            return text(batch, row, feature);
        }
        double value = number(batch, row, feature);
        return Double.isNaN(value) ? null : value;
    }
}
