package org.tabserve.model.onnx.plain;

import org.tabserve.model.onnx.graph.ml.OperatorLabels;

/** A classifier operator's label output, {@code [rows]} of text or int64, from each row's label index. */
final class PlainLabels {

    private final OperatorLabels labels;

    PlainLabels(OperatorLabels labels) {
        this.labels = labels;
    }

    /** @param index each row's label, an index into the operator's labels */
    PlainTensor of(int[] index) {
        int rows = index.length;
        if (labels.text()) {
            String[] texts = new String[rows];
            for (int r = 0; r < rows; r++) {
                texts[r] = labels.text(index[r]);
            }
            return PlainTensor.strings(rows, 1, texts).asRank1();
        }
        long[] ints = new long[rows];
        for (int r = 0; r < rows; r++) {
            ints[r] = labels.integer(index[r]);
        }
        return PlainTensor.longs(rows, 1, ints).asRank1();
    }
}
