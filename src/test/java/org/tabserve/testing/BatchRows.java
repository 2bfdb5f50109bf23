package org.tabserve.testing;

import java.util.List;
import org.tabserve.model.signature.Batch;

/** A checked batch's rows as numbers in feature order, for tests of parsers of numbers-only models. */
public final class BatchRows {

    private BatchRows() {}

    public static double[][] of(Batch batch) {
        double[][] rows = new double[batch.size()][];
        for (int r = 0; r < rows.length; r++) {
            rows[r] = batch.numbers(r);
        }
        return rows;
    }

    /** The rows of several batches, one after another. */
    public static double[][] of(List<Batch> batches) {
        return batches.stream()
                .map(BatchRows::of)
                .flatMap(java.util.Arrays::stream)
                .toArray(double[][]::new);
    }
}
