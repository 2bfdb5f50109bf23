package org.tabserve.model.onnx.engine;

import java.util.ArrayList;
import java.util.List;
import org.tabserve.model.signature.Feature;
import org.tabserve.model.signature.ValueType;

/**
 * The rows on which float arithmetic has its edges, for the load check that the plain graph answers as ONNX Runtime
 * ({@link PlainCheck}): every number feature at once, and each one alone in an ordinary row, set to each of
 * {@link #VALUES} (zero and minus zero, 1e20 whose square overflows float, the largest floats, the smallest
 * denormals), and the missing value NaN where a feature takes it.
 */
final class EdgeRows {

    /** The values each number feature is tried at. */
    static final List<Double> VALUES =
            List.of(0.0, -0.0, 1e20, -1e20, 3.4e38, -3.4e38, (double) Float.MIN_VALUE, (double) -Float.MIN_VALUE);

    private EdgeRows() {}

    /**
     * @param features the model's features, in order
     * @param ordinary a row the model takes, whose other cells each edge row keeps
     * @return the edge rows (some the model may refuse, as it refuses such a row from a caller)
     */
    static List<Object[]> of(List<Feature> features, Object[] ordinary) {
        List<Object[]> rows = new ArrayList<>();
        for (double value : VALUES) {
            rows.add(with(features, ordinary, -1, value));
            for (int i = 0; i < features.size(); i++) {
                if (isReal(features.get(i))) {
                    rows.add(with(features, ordinary, i, value));
                }
            }
        }
        Object[] missing = ordinary.clone();
        boolean any = false;
        for (int i = 0; i < features.size(); i++) {
            if (isReal(features.get(i)) && features.get(i).missingAllowed()) {
                missing[i] = Double.NaN;
                any = true;
            }
        }
        if (any) {
            rows.add(missing);
        }
        return rows;
    }

    /** The ordinary row with feature {@code only} (every real-valued one when -1) set to {@code value}. */
    private static Object[] with(List<Feature> features, Object[] ordinary, int only, double value) {
        Object[] row = ordinary.clone();
        for (int i = 0; i < features.size(); i++) {
            if ((only < 0 || only == i) && isReal(features.get(i))) {
                row[i] = value;
            }
        }
        return row;
    }

    private static boolean isReal(Feature feature) {
        return feature.type() == ValueType.FLOAT || feature.type() == ValueType.DOUBLE;
    }
}
