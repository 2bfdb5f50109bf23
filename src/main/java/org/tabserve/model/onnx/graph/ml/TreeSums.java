package org.tabserve.model.onnx.graph.ml;

/** How ONNX Runtime adds up a tree ensemble's scores: in float for a float input, in double for a double one. */
final class TreeSums {

    private TreeSums() {}

    /** @return {@code a + b} as ONNX Runtime sums it: in float when {@code inFloat}, else in double */
    static double add(double a, double b, boolean inFloat) {
        return round(a + b, inFloat);
    }

    /** @return {@code value} as ONNX Runtime keeps it: rounded to float when {@code inFloat}, else as it is */
    static double round(double value, boolean inFloat) {
        return inFloat ? (float) value : value;
    }
}
