package org.tabserve.rows.read;

import java.util.List;
import java.util.function.IntFunction;
import org.tabserve.model.signature.CellChecker;
import org.tabserve.model.signature.Feature;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.rows.field.NumberText;

/**
 * A row's cells on the numbers-only path (the bank-note model's), for a {@link RowPass}: each cell read as a decimal
 * and checked at once, the row kept as plain numbers, which the model's one float input takes without a cell per
 * value. Its own class so that the pass, which every format's rows go through, stays one job.
 */
final class NumberCells {

    /** Told of each cell that cannot be read: its feature and why. */
    interface Problems {
        void problem(String feature, String text);
    }

    private final List<Feature> features;
    /** Where each feature sits among the input's columns. */
    private final int[] columns;

    NumberCells(List<Feature> features, int[] columns) {
        this.features = features;
        this.columns = columns;
    }

    /** @return the row's numbers in the model's feature order, or null when a cell could not be read */
    double[] read(IntFunction<String> cellText, boolean decimalComma, Problems problems) {
        double[] row = new double[columns.length];
        boolean readable = true;
        for (int i = 0; i < columns.length; i++) {
            readable &= read(cellText.apply(columns[i]), i, decimalComma, row, problems);
        }
        return readable ? row : null;
    }

    /**
     * {@link #read(IntFunction, boolean, Problems)} on a plain line, its cells read in place where
     * {@link SplitRow#plainNumber} can: the same values, checked the same way.
     */
    double[] readPlain(SplitRow line, Problems problems) {
        double[] row = new double[columns.length];
        boolean readable = true;
        for (int i = 0; i < columns.length; i++) {
            double value = line.plainNumber(columns[i]);
            if (Double.isNaN(value)) {
                readable &= read(line.text(columns[i]), i, false, row, problems);
                continue;
            }
            String feature = features.get(i).name();
            String problem = ModelSignature.valueProblem(feature, value);
            if (problem == null) {
                row[i] = value;
            } else {
                readable = false;
                problems.problem(feature, problem);
            }
        }
        return readable ? row : null;
    }

    /** Reads one number cell into {@code row[i]}, or tells why it cannot; returns whether it could. */
    private boolean read(String text, int i, boolean decimalComma, double[] row, Problems problems) {
        String feature = features.get(i).name();
        var value = decimalComma ? NumberText.parseDecimalComma(text) : NumberText.parse(text);
        String problem = value.isPresent()
                ? ModelSignature.valueProblem(feature, value.get())
                : text.isBlank()
                        ? CellChecker.missing(features.get(i)) // in its own words: why its trees take none
                        : decimalComma
                                ? NumberText.decimalCommaProblem(feature, text)
                                : NumberText.problem(feature, text);
        if (problem == null) {
            row[i] = value.get();
            return true;
        }
        problems.problem(feature, problem);
        return false;
    }
}
